// The names CloudWatch Logs accepts (agent/config/names.h), as its API
// reference states them: groups 1-512 of [.\-_/#A-Za-z0-9]; streams 1-512
// characters, no ':' or '*'.
#include "agent/config/names.h"

#include <gtest/gtest.h>

#include <string>

namespace edgelog {
namespace {

TEST(GroupNameTest, TakesTheCharactersCloudWatchAllowsUpTo512) {
  EXPECT_TRUE(IsValidGroupName("/var/log/app_1.x-y#z"));
  EXPECT_TRUE(IsValidGroupName(std::string(512, 'a')));
  EXPECT_FALSE(IsValidGroupName(std::string(513, 'a')));
  EXPECT_FALSE(IsValidGroupName(""));
  EXPECT_FALSE(IsValidGroupName("/var/log/*"));
  EXPECT_FALSE(IsValidGroupName("a b"));
  EXPECT_FALSE(IsValidGroupName("caf\xc3\xa9"));
}

TEST(StreamNameTest, TakesUtf8WithoutColonOrStarUpTo512Bytes) {
  EXPECT_TRUE(IsValidStreamName("web-1 access.log"));
  EXPECT_TRUE(IsValidStreamName("caf\xc3\xa9"));
  EXPECT_TRUE(IsValidStreamName(std::string(512, 's')));
  EXPECT_FALSE(IsValidStreamName(std::string(513, 's')));
  EXPECT_FALSE(IsValidStreamName(""));
  EXPECT_FALSE(IsValidStreamName("host:1"));
  EXPECT_FALSE(IsValidStreamName("a*"));
  EXPECT_FALSE(IsValidStreamName("bad \xff byte"));
}

TEST(NameRuleTest, SaysWhichRuleANameBreaks) {
  EXPECT_EQ(WhyNotLogGroupName("/ok"), "");
  EXPECT_EQ(WhyNotLogGroupName(std::string(600, 'g')),
            "is 600 characters, more than the 512 a log group name may have");
  EXPECT_NE(WhyNotLogGroupName("a:b").find("A-Z a-z 0-9"), std::string::npos);
  EXPECT_EQ(WhyNotLogStreamName("ok"), "");
  EXPECT_EQ(WhyNotLogStreamName("a:b"), "holds ':' or '*', which a log stream name may not");
  EXPECT_EQ(WhyNotLogStreamName("\xff"), "is not valid UTF-8");
  EXPECT_NE(WhyNotLogStreamName("").find("empty"), std::string::npos);
}

// The CloudWatch agent names a group after file_path without its extension.
TEST(DefaultGroupNameTest, IsThePathWithoutItsExtension) {
  EXPECT_EQ(DefaultGroupName("/var/log/app.log"), "/var/log/app");
  EXPECT_EQ(DefaultGroupName("/var/log/messages"), "/var/log/messages");
  EXPECT_EQ(DefaultGroupName("/opt/app.d/out"), "/opt/app.d/out");
  EXPECT_EQ(DefaultGroupName("/var/log/a.b.log"), "/var/log/a.b");
}

}  // namespace
}  // namespace edgelog
