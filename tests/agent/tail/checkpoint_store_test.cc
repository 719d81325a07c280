#include "agent/tail/checkpoint_store.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::MemEnv;

const char kPath[] = "/state/checkpoints.json";

void ExpectSame(const std::vector<Checkpoint>& want, const std::vector<Checkpoint>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].path, got[i].path) << i;
    EXPECT_EQ(want[i].id.device, got[i].id.device) << i;
    EXPECT_EQ(want[i].id.inode, got[i].id.inode) << i;
    EXPECT_EQ(want[i].offset, got[i].offset) << i;
  }
}

class CheckpointStoreTest : public ::testing::Test {
 protected:
  CheckpointStoreTest() { EXPECT_TRUE(env_.CreateDirs("/state").ok()); }

  StatusOr<std::vector<Checkpoint>> LoadText(const std::string& text) {
    env_.WriteFile(kPath, text);
    return LoadCheckpoints(env_, kPath);
  }

  MemEnv env_;
};

TEST_F(CheckpointStoreTest, SavedCheckpointsLoadBackUnchanged) {
  std::vector<Checkpoint> saved = {
      {FileId{2049, 131077}, "/var/log/app.log", 1234, {}},
      {FileId{2049, 131078}, "/var/log/app.log.1", 0, {}},
      {FileId{66306, 12}, "/var/log/other.log", 987654321, {}},
  };
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, saved).ok());
  auto loaded = LoadCheckpoints(env_, kPath);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSame(saved, *loaded);
}

TEST_F(CheckpointStoreTest, TheEntryAFileIsReadForRoundTrips) {
  std::vector<Checkpoint> saved = {
      {FileId{1, 2}, "/var/log/app.log", 10, {}, {}, "/app:host-1"},
      {FileId{1, 2}, "/var/log/app.log", 4, {}, {}, "/audit:all"},
      {FileId{1, 3}, "/var/log/old.log", 7, {}, {}, ""},
  };
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, saved).ok());
  auto loaded = LoadCheckpoints(env_, kPath);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(3u, loaded->size());
  EXPECT_EQ("/app:host-1", (*loaded)[0].entry);
  EXPECT_EQ("/audit:all", (*loaded)[1].entry);
  EXPECT_EQ(4u, (*loaded)[1].offset);
  EXPECT_EQ("", (*loaded)[2].entry) << "a checkpoint without an entry, as saved before";
}

TEST_F(CheckpointStoreTest, SixtyFourBitValuesAboveTwoToTheFiftyThirdRoundTripExactly) {
  // A double (what JSON parsers use for numbers) holds integers exactly only
  // up to 2^53; 2^53 + 1 would come back as 2^53.
  const uint64_t above_2_53 = (uint64_t{1} << 53) + 1;
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  std::vector<Checkpoint> saved = {
      {FileId{above_2_53, above_2_53 + 2}, "/a", above_2_53 + 4, {}},
      {FileId{max, max - 1}, "/b", max, {}},
  };
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, saved).ok());
  auto loaded = LoadCheckpoints(env_, kPath);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSame(saved, *loaded);
}

TEST_F(CheckpointStoreTest, PathsWithQuotesBackslashesControlsAndUtf8RoundTrip) {
  std::vector<Checkpoint> saved = {
      {FileId{1, 2}, "/logs/we\"ird\\name\twith\nnewline", 5, {}},
      {FileId{1, 3}, "/logs/caf\xC3\xA9-\xE6\x97\xA5\xE6\x9C\xAC.log", 6, {}},
  };
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, saved).ok());
  auto loaded = LoadCheckpoints(env_, kPath);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSame(saved, *loaded);
}

TEST_F(CheckpointStoreTest, AnEmptySetRoundTrips) {
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, {}).ok());
  auto loaded = LoadCheckpoints(env_, kPath);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->empty());
}

TEST_F(CheckpointStoreTest, AMissingFileMeansNoCheckpoints) {
  auto loaded = LoadCheckpoints(env_, kPath);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->empty());
}

TEST_F(CheckpointStoreTest, SavingAgainReplacesTheWholeSet) {
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, {{FileId{1, 1}, "/a", 1, {}}, {FileId{1, 2}, "/b", 2, {}}}).ok());
  std::vector<Checkpoint> second = {{FileId{1, 3}, "/c", 3, {}}};
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, second).ok());
  auto loaded = LoadCheckpoints(env_, kPath);
  ASSERT_TRUE(loaded.ok());
  ExpectSame(second, *loaded);
}

TEST_F(CheckpointStoreTest, SavedCheckpointsSurviveACrash) {
  std::vector<Checkpoint> saved = {{FileId{7, 8}, "/a", 99, {}}};
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, saved).ok());
  env_.SimulateCrash();
  auto loaded = LoadCheckpoints(env_, kPath);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSame(saved, *loaded);
}

TEST_F(CheckpointStoreTest, TheEntriesOfTheRunAreSavedBesideTheCheckpoints) {
  std::vector<CheckpointedEntry> names = {{"/var/log/a*.log", "g:a"}, {"/b.log", "g:b:*"}};
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, {}, names).ok());
  std::optional<std::vector<CheckpointedEntry>> loaded_names;
  auto loaded = LoadCheckpoints(env_, kPath, &loaded_names);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(loaded_names.has_value());
  EXPECT_EQ(names, *loaded_names);
  // Files saved before held none: nothing known, which is not none.
  env_.WriteFile(kPath, "{\"version\":1,\"files\":[]}");
  loaded = LoadCheckpoints(env_, kPath, &loaded_names);
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded_names.has_value());
  env_.WriteFile(kPath, "{\"version\":1,\"entries\":[{\"file_path\":1}],\"files\":[]}");
  EXPECT_EQ(Code::kCorruption, LoadCheckpoints(env_, kPath, &loaded_names).status().code());
}

TEST_F(CheckpointStoreTest, TheFileIsTheJsonOfCheckpointsToJson) {
  std::vector<Checkpoint> saved = {{FileId{7, 8}, "/a", 99, {}}};
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, saved).ok());
  EXPECT_EQ(CheckpointsToJson(saved), env_.ReadFile(kPath));
}

TEST_F(CheckpointStoreTest, TextThatIsNotJsonIsCorruption) {
  for (const char* text : {"", "garbage", "{\"version\":1,\"files\":[", "\x01\x02\x03"}) {
    auto loaded = LoadText(text);
    ASSERT_FALSE(loaded.ok()) << "\"" << text << "\"";
    EXPECT_EQ(Code::kCorruption, loaded.status().code()) << "\"" << text << "\"";
  }
}

TEST_F(CheckpointStoreTest, JsonWithoutAFilesArrayIsCorruption) {
  for (const char* text : {"{}", "[]", "{\"files\":{}}", "{\"files\":\"x\"}", "42"}) {
    auto loaded = LoadText(text);
    ASSERT_FALSE(loaded.ok()) << text;
    EXPECT_EQ(Code::kCorruption, loaded.status().code()) << text;
  }
}

TEST_F(CheckpointStoreTest, AnEntryWithAMissingOrMistypedFieldIsCorruption) {
  const char* entries[] = {
      R"({"device":"1","inode":"2","offset":"3"})",               // no path
      R"({"path":"/a","inode":"2","offset":"3"})",                // no device
      R"({"path":"/a","device":"1","offset":"3"})",               // no inode
      R"({"path":"/a","device":"1","inode":"2"})",                // no offset
      R"({"path":"/a","device":"1","inode":2,"offset":"3"})",     // number, not string
      R"({"path":"/a","device":"1","inode":"2","offset":"-3"})",  // negative
      R"({"path":"/a","device":"1","inode":"2","offset":"3x"})",  // not decimal
      R"({"path":"/a","device":"1","inode":"2","offset":""})",    // empty
      R"({"path":7,"device":"1","inode":"2","offset":"3"})",      // path not a string
      R"("not an object")",
  };
  for (const char* entry : entries) {
    auto loaded = LoadText(std::string("{\"version\":1,\"files\":[") + entry + "]}");
    ASSERT_FALSE(loaded.ok()) << entry;
    EXPECT_EQ(Code::kCorruption, loaded.status().code()) << entry;
    EXPECT_NE(std::string::npos, loaded.status().message().find(kPath)) << entry;
  }
}

TEST_F(CheckpointStoreTest, ANumberBeyondSixtyFourBitsIsCorruptionNotAWrappedValue) {
  // 2^64 = 18446744073709551616 does not fit; reading it modulo 2^64 would
  // give offset 0 and silently re-send the file.
  auto loaded = LoadText(
      R"({"version":1,"files":[{"path":"/a","device":"1","inode":"2",)"
      R"("offset":"18446744073709551616"}]})");
  if (loaded.ok()) {
    ASSERT_EQ(1u, loaded->size());
    ADD_FAILURE() << "accepted an out-of-range offset as " << (*loaded)[0].offset;
    return;
  }
  EXPECT_EQ(Code::kCorruption, loaded.status().code());
}

// checkpoints.json as written, pinned: a symmetric change to writer and
// reader would pass every round trip, and strand the files of earlier
// versions (whose offsets must still load).
const char kGoldenCheckpoints[] =
    "{\"version\":1,\"files\":[\n"
    "{\"path\":\"/var/log/app.log\",\"entry\":\"/g:s\",\"device\":\"2049\","
    "\"inode\":\"18446744073709551557\",\"offset\":\"4096\",\"head_bytes\":\"1024\","
    "\"head_hash\":\"14695981039346656037\",\"before_bytes\":\"512\",\"before_hash\":\"7\"},\n"
    "{\"path\":\"/var/log/a \\\"b\\\".log\",\"device\":\"1\",\"inode\":\"2\",\"offset\":\"0\","
    "\"head_bytes\":\"0\",\"head_hash\":\"0\",\"before_bytes\":\"0\",\"before_hash\":\"0\"}\n"
    "]}\n";

std::vector<Checkpoint> GoldenCheckpoints() {
  Checkpoint a;
  a.id = FileId{2049, 18446744073709551557ull};
  a.path = "/var/log/app.log";
  a.offset = 4096;
  a.head = Fingerprint{1024, 14695981039346656037ull};
  a.before = Fingerprint{512, 7};
  a.entry = "/g:s";
  Checkpoint b;
  b.id = FileId{1, 2};
  b.path = "/var/log/a \"b\".log";
  return {a, b};
}

TEST_F(CheckpointStoreTest, TheWrittenFileIsTheDocumentedFormat) {
  ASSERT_TRUE(SaveCheckpoints(env_, kPath, GoldenCheckpoints()).ok());
  EXPECT_EQ(kGoldenCheckpoints, env_.ReadFile(kPath));
}

TEST_F(CheckpointStoreTest, TheDocumentedFormatLoadsAsItsFields) {
  auto loaded = LoadText(kGoldenCheckpoints);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::vector<Checkpoint> want = GoldenCheckpoints();
  ExpectSame(want, *loaded);
  ASSERT_EQ(2u, loaded->size());
  EXPECT_EQ(want[0].entry, (*loaded)[0].entry);
  EXPECT_EQ(want[0].head, (*loaded)[0].head);
  EXPECT_EQ(want[0].before, (*loaded)[0].before);
  EXPECT_EQ("", (*loaded)[1].entry);
  EXPECT_EQ(0u, (*loaded)[1].head.length);
}

}  // namespace
}  // namespace edgelog
