#include "agent/config/placeholders.h"

#include <gtest/gtest.h>

#include <string>

namespace edgelog {
namespace {

HostFacts Facts() {
  HostFacts f;
  f.instance_id = "i-0abc";
  f.hostname = "ip-10-1-2-3.internal";
  f.local_hostname = "edge-7";
  f.ip_address = "10.1.2.3";
  return f;
}

std::string Expand(std::string_view text, const HostFacts& facts = Facts()) {
  auto r = ExpandPlaceholders(text, facts);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

TEST(PlaceholdersTest, TextWithoutPlaceholdersIsUnchanged) {
  EXPECT_EQ("", Expand(""));
  EXPECT_EQ("/var/log/app", Expand("/var/log/app"));
}

TEST(PlaceholdersTest, EachPlaceholderIsReplacedByItsHostFact) {
  EXPECT_EQ("i-0abc", Expand("{instance_id}"));
  EXPECT_EQ("ip-10-1-2-3.internal", Expand("{hostname}"));
  EXPECT_EQ("edge-7", Expand("{local_hostname}"));
  EXPECT_EQ("10.1.2.3", Expand("{ip_address}"));
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

TEST(PlaceholdersTest, UnknownPlaceholderIsRefusedByName) {
  auto r = ExpandPlaceholders("group-{region}", Facts());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kInvalidArgument, r.status().code());
  EXPECT_NE(std::string::npos, r.status().message().find("{region}")) << r.status().message();
}

TEST(PlaceholdersTest, PlaceholderNamesAreCaseSensitive) {
  EXPECT_FALSE(ExpandPlaceholders("{Hostname}", Facts()).ok());
}

TEST(PlaceholdersTest, EmptyBracesAreAnUnknownPlaceholder) {
  EXPECT_FALSE(ExpandPlaceholders("a{}b", Facts()).ok());
}

TEST(PlaceholdersTest, PlaceholderWithoutAValueIsRefusedByName) {
  HostFacts f = Facts();
  f.ip_address.clear();
  auto r = ExpandPlaceholders("s-{ip_address}", f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kInvalidArgument, r.status().code());
  EXPECT_NE(std::string::npos, r.status().message().find("{ip_address}"));
}

TEST(PlaceholdersTest, MissingValueMattersOnlyWhenThePlaceholderIsUsed) {
  HostFacts f = Facts();
  f.instance_id.clear();
  EXPECT_EQ("edge-7", Expand("{local_hostname}", f));
}

}  // namespace
}  // namespace edgelog
