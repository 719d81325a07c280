#include "agent/config/loader.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/agent/config/loader_test_fixture.h"

namespace edgelog {
namespace {

using loader_test::Facts;
using loader_test::kList;
using loader_test::OneEntry;
using loader_test::OnlyError;
using loader_test::Parse;
using loader_test::StartsWith;

// --- group and stream names --------------------------------------------------

TEST(ConfigLoaderTest, GroupNameWithASpaceOrColonIsRefused) {
  for (const char* group : {"my group", "a:b", "caf\xC3\xA9", "a*b"}) {
    auto c = Parse(OneEntry(std::string(R"(, "log_group_name": ")") + group + "\""));
    EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_group_name: \"" + group +
                           "\" is not a valid log group name",
                       OnlyError(c));
  }
}

TEST(ConfigLoaderTest, GroupNameOfEveryAllowedCharacterIsAccepted) {
  auto c = Parse(OneEntry(R"(, "log_group_name": "/aws/My_Group-1.x#2")"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("/aws/My_Group-1.x#2", c->files[0].log_group_name);
}

TEST(ConfigLoaderTest, GroupNameOf512CharactersIsAcceptedAnd513Refused) {
  std::string ok(512, 'g');
  EXPECT_TRUE(Parse(OneEntry(R"(, "log_group_name": ")" + ok + "\"")).ok());
  std::string too_long(513, 'g');
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_group_name: ",
                     OnlyError(Parse(OneEntry(R"(, "log_group_name": ")" + too_long + "\""))));
}

TEST(ConfigLoaderTest, StreamNameWithColonOrStarIsRefused) {
  for (const char* stream : {"a:b", "a*b"}) {
    auto c = Parse(OneEntry(std::string(R"(, "log_stream_name": ")") + stream + "\""));
    EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_stream_name: \"" + stream +
                           "\" is not a valid log stream name",
                       OnlyError(c));
  }
}

TEST(ConfigLoaderTest, StreamNameThatIsNotUtf8IsRefused) {
  auto c = Parse(OneEntry(", \"log_stream_name\": \"s-\xff\""));
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_stream_name: ", OnlyError(c));
}

TEST(ConfigLoaderTest, StreamNameWithSpacesAndSlashesIsAccepted) {
  auto c = Parse(OneEntry(R"(, "log_stream_name": "my stream/1 [x]")"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("my stream/1 [x]", c->files[0].log_stream_name);
}

TEST(ConfigLoaderTest, NamesAreCheckedAfterPlaceholderExpansion) {
  HostFacts facts = Facts();
  facts.hostname = "host:with:colons";
  auto c = Parse(OneEntry(R"(, "log_group_name": "g", "log_stream_name": "{hostname}")"), facts);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList +
                         "[0].log_stream_name: \"host:with:colons\" is not a valid log stream name",
                     OnlyError(c));
  facts.hostname = "host name";
  c = Parse(OneEntry(R"(, "log_group_name": "grp-{hostname}")"), facts);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList +
                         "[0].log_group_name: \"grp-host name\" is not a valid log group name",
                     OnlyError(c));
}

// The agent replaces only the placeholders it knows; "s-{region}" is a
// valid stream name, so it is kept, with a warning.
TEST(ConfigLoaderTest, UnknownPlaceholderInAStreamNameIsKeptWithAWarning) {
  auto c = Parse(OneEntry(R"(, "log_stream_name": "s-{region}")"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("s-{region}", c->files[0].log_stream_name);
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_stream_name: {region} ",
                     c->warnings[0]);
}

TEST(ConfigLoaderTest, UnknownPlaceholderInAGroupNameIsOneErrorNotTwo) {
  // One problem, one line: the unexpanded "g-{region}" must not also be
  // judged as a group name (its braces are not the user's mistake).
  auto c = Parse(OneEntry(R"(, "log_group_name": "g-{region}")"));
  std::string error = OnlyError(c);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_group_name: ", error);
  EXPECT_CONTAINS("{region} is not a placeholder", error);
}

// The agent's placeholderUtil.go: a value the host lacks becomes its
// stand-in (i-UNKNOWN, UNKNOWN-IP, ...); edgelog says so.
TEST(ConfigLoaderTest, PlaceholderWithoutAValueOnThisHostGetsTheStandInWithAWarning) {
  HostFacts facts = Facts();
  facts.instance_id.clear();
  auto c = Parse(OneEntry(R"(, "log_stream_name": "{instance_id}")"), facts);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("i-UNKNOWN", c->files[0].log_stream_name);
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_CONTAINS("{instance_id} has no value on this host", c->warnings[0]);
}

TEST(ConfigLoaderTest, RegionAccountAndDatePlaceholders) {
  HostFacts facts = Facts();
  facts.account_id = "123456789012";
  facts.date = "2026-12-07";
  facts.aws_region = "eu-north-1";
  auto c = Parse(OneEntry(R"(, "log_group_name": "/{account_id}/{aws_region}",
      "log_stream_name": "{date}")"), facts);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("/123456789012/eu-north-1", c->files[0].log_group_name);
  EXPECT_EQ("2026-12-07", c->files[0].log_stream_name);
  EXPECT_TRUE(c->uses_region);
  EXPECT_TRUE(c->uses_instance_facts);
}

// agent.region wins over what the environment says, for {aws_region} too.
TEST(ConfigLoaderTest, TheConfiguredRegionFillsAwsRegion) {
  HostFacts facts = Facts();
  facts.aws_region = "eu-north-1";
  auto c = Parse(R"({"agent": {"region": "ap-east-1"}, "logs": {"logs_collected": {"files":
      {"collect_list": [{"file_path": "/a.log", "log_group_name": "g-{aws_region}"}]}}}})",
                 facts);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("g-ap-east-1", c->files[0].log_group_name);
}

// Only names that need the instance metadata make edgelog ask for it.
TEST(ConfigLoaderTest, NamesSayWhetherTheInstanceMetadataIsNeeded) {
  auto local = Parse(OneEntry(R"(, "log_stream_name": "{local_hostname}")"));
  ASSERT_TRUE(local.ok());
  EXPECT_FALSE(local->uses_instance_facts);
  EXPECT_FALSE(local->uses_region);
  auto by_default = Parse(OneEntry());  // the default stream is {instance_id}
  ASSERT_TRUE(by_default.ok());
  EXPECT_TRUE(by_default->uses_instance_facts);
}

}  // namespace
}  // namespace edgelog
