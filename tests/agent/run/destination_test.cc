// Where a file's lines go, with and without publish_multi_logs, as the
// CloudWatch agent's plugins/inputs/logfile/logfile.go names them
// (generateLogGroupName, generateLogStreamName).
#include "agent/run/destination.h"

#include <gtest/gtest.h>

namespace edgelog {
namespace {

FileEntry Entry(const std::string& group, const std::string& stream, bool multi) {
  FileEntry e;
  e.file_path = "/var/log/*.log";
  e.log_group_name = group;
  e.log_stream_name = stream;
  e.retention_in_days = 7;
  e.publish_multi_logs = multi;
  return e;
}

TEST(DestinationTest, WithoutPublishMultiLogsEveryFileGoesToTheEntrysStream) {
  LogStreamTarget t = DestinationOf(Entry("g", "s", false), "/var/log/app.log");
  EXPECT_EQ("g", t.group);
  EXPECT_EQ("s", t.stream);
  EXPECT_EQ(7, t.retention_in_days);
}

TEST(DestinationTest, WithAGroupEachFileHasAStreamNamedAfterItsPathBehindTheEntrysStream) {
  // logfile.go: streamName = log_stream_name + "_" + the path, '/' as '_'.
  LogStreamTarget t = DestinationOf(Entry("g", "i-0abc", true), "/var/log/app.log");
  EXPECT_EQ("g", t.group);
  EXPECT_EQ("i-0abc__var_log_app.log", t.stream);
  EXPECT_EQ(7, t.retention_in_days);
  // No log_stream_name of the entry's own: nothing before the '_'.
  EXPECT_EQ("__var_log_app.log", DestinationOf(Entry("g", "", true), "/var/log/app.log").stream);
}

TEST(DestinationTest, WithoutAGroupEachFileHasAGroupNamedAfterItsPath) {
  // logfile.go: groupName = the path, the stream left as configured.
  LogStreamTarget t = DestinationOf(Entry("", "host", true), "/var/log/app.log");
  EXPECT_EQ("/var/log/app.log", t.group);
  EXPECT_EQ("host", t.stream);
}

TEST(DestinationTest, CharactersAGroupNameCannotHoldBecomeUnderscores) {
  // The agent's TestGenerateLogGroupName cases: '\' is '/', and every
  // character outside [.-_/#A-Za-z0-9] one '_'.
  EXPECT_EQ("C_/tmp/soak_Test/tmp0.log", PathName("C:\\tmp\\soak Test\\tmp0.log"));
  EXPECT_EQ("C_/tes_t/fol_de_r/tm_p", PathName("C:\\tes:t/fol,de%r\\tm p"));
  EXPECT_EQ("/logs/caf__x#1.log", PathName("/logs/caf\xc3\xa9_x#1.log"));
  EXPECT_EQ("/logs/_a.log", PathName("/logs/\xff" "a.log"));
}

TEST(DestinationTest, ANameMadeFromALongPathIsRefusedNamingTheFileTheNameAndTheRule) {
  // CloudWatch takes 1-512 characters per name: the agent's logfile.go
  // makes the names all the same and its requests are refused. edgelog
  // says so before sending.
  std::string path = "/var/log/" + std::string(200, 'd') + "/" + std::string(200, 'e') + "/" +
                     std::string(150, 'f') + ".log";
  LogStreamTarget group = DestinationOf(Entry("", "host", true), path);
  std::string why = RefusedDestination(group, path);
  EXPECT_EQ(0u, why.rfind(path + ": ", 0)) << why;
  EXPECT_NE(std::string::npos, why.find("log group name \"" + group.group + "\"")) << why;
  EXPECT_NE(std::string::npos, why.find("more than the 512")) << why;

  LogStreamTarget stream = DestinationOf(Entry("g", "host", true), path);
  why = RefusedDestination(stream, path);
  EXPECT_NE(std::string::npos, why.find("log stream name \"" + stream.stream + "\"")) << why;
  EXPECT_NE(std::string::npos, why.find("more than the 512")) << why;

  // The longest names CloudWatch takes pass: 512 characters.
  std::string at_limit = "/" + std::string(511, 'a');
  EXPECT_EQ("", RefusedDestination(DestinationOf(Entry("", "host", true), at_limit), at_limit));
  EXPECT_EQ("", RefusedDestination(DestinationOf(Entry("g", "s", true), "/var/log/app.log"),
                                   "/var/log/app.log"));
}

}  // namespace
}  // namespace edgelog
