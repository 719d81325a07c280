// publish_multi_logs through the whole agent: a stream per file, named as
// the CloudWatch agent's plugins/inputs/logfile/logfile.go names it, found
// while running, with checkpoints that hold across a restart.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog::agent_loop_test {
namespace {

class MultiLogsTest : public AgentLoopTest {
 protected:
  MultiLogsTest() {
    config_.files[0] = Entry("/logs/*.log", "/app/group", "host-1");
    config_.files[0].publish_multi_logs = true;
  }
  // The logStreamName of a request body (JSON).
  static std::string StreamIn(const std::string& json) {
    const std::string key = "\"logStreamName\":\"";
    size_t at = json.find(key);
    if (at == std::string::npos) return "";
    at += key.size();
    return json.substr(at, json.find('"', at) - at);
  }
  // Messages sent per stream, from PutLogEvents request `from` on.
  std::map<std::string, Strings> SentByStream(size_t from = 0) const {
    std::map<std::string, Strings> out;
    auto puts = http_.requests_for("PutLogEvents");
    for (size_t i = from; i < puts.size(); ++i) {
      auto json = GunzipBody(puts[i].body, 64 << 20);
      EXPECT_TRUE(json.ok());
      if (!json.ok()) continue;
      const std::string key = "\"logStreamName\":\"";
      size_t at = json->find(key);
      EXPECT_NE(std::string::npos, at);
      if (at == std::string::npos) continue;
      at += key.size();
      std::string stream = json->substr(at, json->find('"', at) - at);
      for (const std::string& m : MessagesOf(puts[i].body)) out[stream].push_back(m);
    }
    return out;
  }
};

TEST_F(MultiLogsTest, EachFileGoesToAStreamNamedAfterItsPath) {
  env_.WriteFile("/logs/a.log", "a1\na2\n");
  env_.WriteFile("/logs/b.log", "b1\n");
  EXPECT_EQ(kExitOk, RunOnce());
  std::map<std::string, Strings> want{{"host-1__logs_a.log", {"a1", "a2"}},
                                      {"host-1__logs_b.log", {"b1"}}};
  EXPECT_EQ(want, SentByStream());
  // A restart resumes each file at its own checkpoint: nothing again.
  size_t puts = http_.requests_for("PutLogEvents").size();
  env_.AppendToFile("/logs/b.log", "b2\n");
  env_.WriteFile("/logs/c.log", "c1\n");
  EXPECT_EQ(kExitOk, RunOnce());
  want = {{"host-1__logs_b.log", {"b2"}}, {"host-1__logs_c.log", {"c1"}}};
  EXPECT_EQ(want, SentByStream(puts));
}

TEST_F(MultiLogsTest, AFileWhoseNameCloudWatchWouldRefuseIsNotReadAndTheOthersAre) {
  // Without a group, each file's group is its path (logfile.go): past 512
  // characters CloudWatch refuses it. The file is said once, by name, and
  // left unread (no request, no checkpoint past its start), so a corrected
  // configuration delivers it; --once ends, with "not delivered".
  config_.files[0] = Entry("/logs/**/*.log", "", "host-1");
  config_.files[0].publish_multi_logs = true;
  std::string deep = "/logs/" + std::string(200, 'd') + "/" + std::string(200, 'e');
  std::string long_path = deep + "/" + std::string(150, 'f') + ".log";
  ASSERT_TRUE(env_.CreateDirs(deep).ok());
  env_.WriteFile(long_path, "lost1\nlost2\n");
  env_.WriteFile("/logs/a.log", "a1\n");
  EXPECT_EQ(kExitUndelivered, RunOnce());
  std::map<std::string, Strings> want{{"host-1", {"a1"}}};
  EXPECT_EQ(want, SentByStream());
  for (const auto& r : http_.requests()) {
    EXPECT_EQ(std::string::npos, r.body.find("ffff")) << r.target << " names the long file";
  }
  EXPECT_EQ(1, log_.Count(LogLevel::kError, long_path + ": its log group name")) << log_.Text();
  EXPECT_LE(SavedOffset(long_path), 0);
  // The next run says it again, and still sends nothing of it.
  EXPECT_EQ(kExitUndelivered, RunOnce());
  EXPECT_EQ(2, log_.Count(LogLevel::kError, long_path + ": its log group name"));
  EXPECT_EQ(want, SentByStream());
  // Corrected (the file left out of the entry, sent by one of its own): its
  // lines arrive, from its start.
  size_t puts = http_.requests_for("PutLogEvents").size();
  config_.files[0].blacklist = "^f+\\.log$";
  config_.files.push_back(Entry(long_path, "/app/long", "s"));
  EXPECT_EQ(kExitOk, RunOnce()) << log_.Text();
  want = {{"s", {"lost1", "lost2"}}};
  EXPECT_EQ(want, SentByStream(puts));
}

TEST_F(MultiLogsTest, BatchesBufferedDuringAnOutageReachTheirFilesStreamsAfterARestart) {
  // The disk buffer names each batch's stream: read back after a restart,
  // it goes to the stream it was made for, created under that name.
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
  });
  env_.WriteFile("/logs/a.log", "a1\na2\n");
  env_.WriteFile("/logs/b.log", "b1\n");
  int64_t start = clock_.MonotonicMillis();
  RunUntilStopped(nullptr, [&] { return clock_.MonotonicMillis() - start > 20000; });
  ASSERT_GT(BufferedBytes(), 0u);
  EXPECT_EQ(6, SavedOffset("/logs/a.log")) << "lines durable in the buffer are checkpointed";
  EXPECT_EQ(3, SavedOffset("/logs/b.log"));
  // Streams exist once created, as in CloudWatch: the sender must know
  // each batch read back by its stream's name to create the right one.
  std::set<std::string> created;
  std::map<std::string, Strings> accepted;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "CreateLogStream") created.insert(StreamIn(r.body));
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    auto json = GunzipBody(r.body, 64 << 20);
    std::string stream = json.ok() ? StreamIn(*json) : "";
    if (created.count(stream) == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException", "no stream");
    }
    for (const std::string& m : MessagesOf(r.body)) accepted[stream].push_back(m);
    return FakeHttp::Ok();
  });
  env_.AppendToFile("/logs/b.log", "b2\n");  // its stream met twice: buffer and file
  std::map<std::string, Strings> want{{"host-1__logs_a.log", {"a1", "a2"}},
                                      {"host-1__logs_b.log", {"b1", "b2"}},
                                      {"host-1__logs_c.log", {"c1"}}};
  // A file found once the buffer's streams are known: its stream comes
  // after theirs, in the batcher as in the sender.
  start = clock_.MonotonicMillis();
  RunUntilStopped([&](int wait) { if (wait == 20) env_.WriteFile("/logs/c.log", "c1\n"); },
                  [&] { return accepted == want || clock_.MonotonicMillis() - start > 60000; });
  EXPECT_EQ(want, accepted);
  EXPECT_EQ((std::set<std::string>{"host-1__logs_a.log", "host-1__logs_b.log",
                                   "host-1__logs_c.log"}),
            created);
}

TEST_F(MultiLogsTest, WithoutAGroupEachFileGoesToAGroupNamedAfterItsPath) {
  config_.files[0].log_group_name = "";
  env_.WriteFile("/logs/a.log", "a1\n");
  EXPECT_EQ(kExitOk, RunOnce());
  auto puts = http_.requests_for("PutLogEvents");
  ASSERT_FALSE(puts.empty());
  auto json = GunzipBody(puts[0].body, 64 << 20);
  ASSERT_TRUE(json.ok());
  EXPECT_NE(std::string::npos, json->find("\"logGroupName\":\"/logs/a.log\""));
  EXPECT_NE(std::string::npos, json->find("\"logStreamName\":\"host-1\""));
}

TEST_F(MultiLogsTest, WithoutPublishMultiLogsOnlyTheNewestFileIsSent) {
  config_.files[0].publish_multi_logs = false;
  env_.WriteFile("/logs/a.log", "old\n");
  env_.WriteFile("/logs/b.log", "new\n");
  EXPECT_EQ(kExitOk, RunOnce());
  std::map<std::string, Strings> want{{"host-1", {"new"}}};
  EXPECT_EQ(want, SentByStream());
}

}  // namespace
}  // namespace edgelog::agent_loop_test
