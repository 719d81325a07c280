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

TEST(ConfigLoaderTest, StreamNameWithSpacesAndSlashesIsAccepted) {
  auto c = Parse(OneEntry(R"(, "log_stream_name": "my stream/1 [x]")"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("my stream/1 [x]", c->files[0].log_stream_name);
}

TEST(ConfigLoaderTest, NamesAreCheckedAfterPlaceholderExpansion) {
  HostFacts facts = Facts();
  facts.hostname = "host:with:colons";
  auto c = Parse(OneEntry(R"(, "log_group_name": "g")"), facts);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList +
                         "[0].log_stream_name: \"host:with:colons\" is not a valid log stream name",
                     OnlyError(c));
  facts.hostname = "host name";
  c = Parse(OneEntry(R"(, "log_group_name": "grp-{hostname}")"), facts);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList +
                         "[0].log_group_name: \"grp-host name\" is not a valid log group name",
                     OnlyError(c));
}

TEST(ConfigLoaderTest, UnknownPlaceholderInAStreamNameIsRefused) {
  auto c = Parse(OneEntry(R"(, "log_stream_name": "s-{region}")"));
  std::string error = OnlyError(c);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_stream_name: ", error);
  EXPECT_CONTAINS("unknown placeholder {region}", error);
}

TEST(ConfigLoaderTest, UnknownPlaceholderInAGroupNameIsOneErrorNotTwo) {
  // One problem, one line: the unexpanded "g-{region}" must not also be
  // judged as a group name (its braces are not the user's mistake).
  auto c = Parse(OneEntry(R"(, "log_group_name": "g-{region}")"));
  std::string error = OnlyError(c);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_group_name: ", error);
  EXPECT_CONTAINS("unknown placeholder {region}", error);
}

TEST(ConfigLoaderTest, PlaceholderWithoutAValueOnThisHostIsRefused) {
  HostFacts facts = Facts();
  facts.instance_id.clear();
  auto c = Parse(OneEntry(R"(, "log_stream_name": "{instance_id}")"), facts);
  std::string error = OnlyError(c);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_stream_name: ", error);
  EXPECT_CONTAINS("{instance_id}", error);
}

}  // namespace
}  // namespace edgelog
