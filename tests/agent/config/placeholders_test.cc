#include "agent/config/placeholders.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/support/host_facts.h"

namespace edgelog {
namespace {

HostFacts Facts() {
  HostFacts f;
  f.instance_id = "i-0abc";
  f.hostname = "ip-10-1-2-3.internal";
  f.local_hostname = "edge-7";
  f.ip_address = "10.1.2.3";
  f.aws_region = "eu-west-3";
  f.account_id = "123456789012";
  f.date = "2026-12-07";
  f.on_ec2 = true;
  return f;
}

// Expands `text`; the notes it gave go to `notes` when asked for, and
// must be none otherwise.
std::string Expand(std::string_view text, const HostFacts& facts = Facts(),
                   std::vector<std::string>* notes = nullptr) {
  std::vector<std::string> mine;
  std::string out = ExpandPlaceholders(text, facts, notes != nullptr ? notes : &mine);
  EXPECT_TRUE(mine.empty()) << mine.front();
  return out;
}

TEST(PlaceholdersTest, TextWithoutPlaceholdersIsUnchanged) {
  EXPECT_EQ("", Expand(""));
  EXPECT_EQ("/var/log/app", Expand("/var/log/app"));
}

// The agent's translate/util/placeholderUtil.go knows these seven.
TEST(PlaceholdersTest, EachPlaceholderIsReplacedByItsHostFact) {
  EXPECT_EQ("i-0abc", Expand("{instance_id}"));
  EXPECT_EQ("ip-10-1-2-3.internal", Expand("{hostname}"));
  EXPECT_EQ("edge-7", Expand("{local_hostname}"));
  EXPECT_EQ("10.1.2.3", Expand("{ip_address}"));
  EXPECT_EQ("eu-west-3", Expand("{aws_region}"));
  EXPECT_EQ("123456789012", Expand("{account_id}"));
  EXPECT_EQ("app-2026-12-07", Expand("app-{date}"));
}

TEST(PlaceholdersTest, SeveralAndRepeatedPlaceholdersAreAllReplaced) {
  EXPECT_EQ("app/i-0abc/edge-7/i-0abc.log",
            Expand("app/{instance_id}/{local_hostname}/{instance_id}.log"));
  EXPECT_EQ("i-0abc10.1.2.3", Expand("{instance_id}{ip_address}"));
}

TEST(PlaceholdersTest, ExpandedValuesAreNotExpandedAgain) {
  HostFacts f = Facts();
  f.hostname = "{ip_address}";
  EXPECT_EQ("x-{ip_address}", Expand("x-{hostname}", f));
}

// The agent replaces only what it knows; the rest stays, said once.
TEST(PlaceholdersTest, UnknownPlaceholderIsKeptAndNamed) {
  std::vector<std::string> notes;
  EXPECT_EQ("group-{region}", Expand("group-{region}", Facts(), &notes));
  ASSERT_EQ(1u, notes.size());
  EXPECT_NE(std::string::npos, notes[0].find("{region}")) << notes[0];
  EXPECT_NE(std::string::npos, notes[0].find("{aws_region}")) << "lists the known ones";
}

TEST(PlaceholdersTest, PlaceholderNamesAreCaseSensitive) {
  std::vector<std::string> notes;
  EXPECT_EQ("{Hostname}", Expand("{Hostname}", Facts(), &notes));
  EXPECT_EQ(1u, notes.size());
}

TEST(PlaceholdersTest, BracesAroundNothingOrNestedAreKept) {
  std::vector<std::string> notes;
  EXPECT_EQ("a{}b", Expand("a{}b", Facts(), &notes));
  // As the agent's strings.Replace: the inner placeholder is replaced.
  EXPECT_EQ("{ip-10-1-2-3.internal", Expand("{{hostname}", Facts(), &notes));
  EXPECT_EQ("x{", Expand("x{", Facts(), &notes));
}

// The agent's stand-ins when the host has no value: UNKNOWN-IP,
// UNKNOWN-REGION, UNKNOWN-ACCOUNT.
TEST(PlaceholdersTest, PlaceholderWithoutAValueGetsTheAgentsStandInAndANote) {
  HostFacts f = Facts();
  f.ip_address.clear();
  f.aws_region.clear();
  f.account_id.clear();
  std::vector<std::string> notes;
  EXPECT_EQ("s-UNKNOWN-IP", Expand("s-{ip_address}", f, &notes));
  EXPECT_EQ("UNKNOWN-REGION/UNKNOWN-ACCOUNT", Expand("{aws_region}/{account_id}", f, &notes));
  ASSERT_EQ(3u, notes.size());
  EXPECT_NE(std::string::npos, notes[0].find("{ip_address}")) << notes[0];
}

// A deliberate difference from the agent, said where it applies.
TEST(PlaceholdersTest, OffEc2TheHostNameStandsInForTheInstanceIdWithANote) {
  HostFacts f = Facts();
  f.on_ec2 = false;
  f.instance_id = "edge-7";
  std::vector<std::string> notes;
  EXPECT_EQ("edge-7", Expand("{instance_id}", f, &notes));
  ASSERT_EQ(1u, notes.size());
  EXPECT_NE(std::string::npos, notes[0].find("i-UNKNOWN")) << notes[0];
  EXPECT_EQ("edge-7", Expand("{local_hostname}", f));
}

TEST(PlaceholdersTest, MissingValueMattersOnlyWhenThePlaceholderIsUsed) {
  HostFacts f = Facts();
  f.instance_id.clear();
  EXPECT_EQ("edge-7", Expand("{local_hostname}", f));
}

// --- ${VAR} ------------------------------------------------------------------

HostFacts WithEnvironment(std::map<std::string, std::string> vars) {
  return testing::WithEnvironment(Facts(), std::move(vars));
}

std::string ExpandVars(std::string_view text, const HostFacts& facts,
                       std::vector<std::string>* notes = nullptr) {
  std::vector<std::string> mine;
  std::string out = ExpandEnvironment(text, facts, notes != nullptr ? notes : &mine);
  EXPECT_TRUE(mine.empty()) << mine.front();
  return out;
}

// The agent passes "${ENV_REGION}" through to its runtime config, which
// reads the variable (its tocwconfig/sampleConfig/config_with_env.json).
TEST(EnvironmentTest, VariablesAreReplacedAnywhereInTheText) {
  HostFacts f = WithEnvironment({{"ENV_REGION", "us-west-2"}, {"APP", "web"}});
  EXPECT_EQ("us-west-2", ExpandVars("${ENV_REGION}", f));
  EXPECT_EQ("/aws/web/us-west-2/x", ExpandVars("/aws/${APP}/${ENV_REGION}/x", f));
  EXPECT_EQ("no variables", ExpandVars("no variables", f));
}

TEST(EnvironmentTest, AnUnsetVariableIsEmptyAndNamed) {
  HostFacts f = WithEnvironment({});
  std::vector<std::string> notes;
  EXPECT_EQ("a--b", ExpandVars("a-${NOPE}-b", f, &notes));
  ASSERT_EQ(1u, notes.size());
  EXPECT_NE(std::string::npos, notes[0].find("${NOPE}")) << notes[0];
}

TEST(EnvironmentTest, DefaultsApplyAsInTheShell) {
  HostFacts f = WithEnvironment({{"EMPTY", ""}, {"SET", "v"}});
  EXPECT_EQ("d", ExpandVars("${UNSET:-d}", f));
  EXPECT_EQ("d", ExpandVars("${EMPTY:-d}", f));
  EXPECT_EQ("v", ExpandVars("${SET:-d}", f));
  EXPECT_EQ("d", ExpandVars("${UNSET-d}", f));
  EXPECT_EQ("", ExpandVars("${EMPTY-d}", f));
  EXPECT_EQ("a:b", ExpandVars("${UNSET:-a:b}", f));
}

// Regular expressions use '$'; only a well-formed reference is one.
TEST(EnvironmentTest, WhatIsNotAReferenceIsKept) {
  HostFacts f = WithEnvironment({{"X", "x"}});
  EXPECT_EQ("error$", ExpandVars("error$", f));
  EXPECT_EQ("^a$|^b$", ExpandVars("^a$|^b$", f));
  EXPECT_EQ("$X", ExpandVars("$X", f));
  EXPECT_EQ("${aws:InstanceId}", ExpandVars("${aws:InstanceId}", f));
  EXPECT_EQ("${1}", ExpandVars("${1}", f));
  EXPECT_EQ("${X", ExpandVars("${X", f));
  EXPECT_EQ("${}", ExpandVars("${}", f));
}

TEST(EnvironmentTest, DoubledDollarIsALiteralReference) {
  HostFacts f = WithEnvironment({{"X", "x"}});
  EXPECT_EQ("${X}", ExpandVars("$${X}", f));
  EXPECT_EQ("x${X}", ExpandVars("${X}$${X}", f));
}

TEST(EnvironmentTest, ValuesAreNotExpandedAgain) {
  HostFacts f = WithEnvironment({{"A", "${B}"}, {"B", "b"}});
  EXPECT_EQ("${B}", ExpandVars("${A}", f));
}

TEST(EnvironmentTest, WithoutAnEnvironmentEveryVariableIsUnset) {
  std::vector<std::string> notes;
  EXPECT_EQ("", ExpandVars("${HOME}", Facts(), &notes));
  EXPECT_EQ(1u, notes.size());
}

}  // namespace
}  // namespace edgelog
