// publish_multi_logs in the loader: the rules for log_group_name and
// log_stream_name the CloudWatch agent applies when every match of a glob
// is published on its own.
#include <gtest/gtest.h>

#include "tests/agent/config/loader_test_fixture.h"

namespace edgelog {
namespace {

using loader_test::kList;
using loader_test::Parse;
using loader_test::WithEntries;

TEST(ConfigMultiLogsTest, PublishMultiLogsIsReadAndDefaultsToFalse) {
  auto off = Parse(WithEntries(R"({"file_path": "/var/log/*.log", "log_group_name": "g"})"));
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->files[0].publish_multi_logs);
  auto on = Parse(WithEntries(
      R"({"file_path": "/var/log/*.log", "log_group_name": "g", "publish_multi_logs": true})"));
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_TRUE(on->files[0].publish_multi_logs);
}

TEST(ConfigMultiLogsTest, GlobWithoutAGroupIsAcceptedWithPublishMultiLogs) {
  // The agent's plugins/inputs/logfile/fileconfig.go gives an entry
  // without log_group_name a default only when publish_multi_logs is off;
  // with it, logfile.go names a group after each file. So the group stays
  // empty here: it is decided per file.
  auto c = Parse(WithEntries(R"({"file_path": "/var/log/*.log", "publish_multi_logs": true})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("", c->files[0].log_group_name);
  // No group, so the stream is the usual one (the agent's output plugin
  // gives an empty stream logs.log_stream_name).
  EXPECT_EQ("i-0123456789abcdef0", c->files[0].log_stream_name);
}

TEST(ConfigMultiLogsTest, ExactPathWithoutAGroupGetsNoDefaultGroupWithPublishMultiLogs) {
  // fileconfig.go: no "file_path without its extension" default then.
  auto c = Parse(WithEntries(R"({"file_path": "/var/log/app.log", "publish_multi_logs": true})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("", c->files[0].log_group_name);
}

TEST(ConfigMultiLogsTest, WithAGroupTheEntrysOwnStreamNameIsKeptEvenEmpty) {
  // logfile.go prefixes each file's stream with the entry's own
  // log_stream_name, empty when the entry has none (the translator's
  // collect_list rule gives it no default): logs.log_stream_name is not
  // used there.
  auto none = Parse(R"({"logs": {"log_stream_name": "global", "logs_collected": {"files":
      {"collect_list": [{"file_path": "/var/log/*.log", "log_group_name": "g",
                         "publish_multi_logs": true}]}}}})");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ("", none->files[0].log_stream_name);
  auto own = Parse(WithEntries(R"({"file_path": "/var/log/*.log", "log_group_name": "g",
                                   "log_stream_name": "{instance_id}",
                                   "publish_multi_logs": true})"));
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ("i-0123456789abcdef0", own->files[0].log_stream_name);
}

TEST(ConfigMultiLogsTest, AnInvalidStreamPrefixIsStillRefused) {
  auto c = Parse(WithEntries(R"({"file_path": "/var/log/*.log", "log_group_name": "g",
                                 "log_stream_name": "a:b", "publish_multi_logs": true})"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(std::string::npos,
            c.status().message().find(std::string(kList) + "[0].log_stream_name"));
}

}  // namespace
}  // namespace edgelog
