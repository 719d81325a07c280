// Symbolic links among log files: read only into the directory a
// file_path names, and only when made by someone who could read the file
// anyway (links.cc). edgelog may read what its user cannot, so a link must
// not be a way to make it ship any file on the host.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr uint32_t kRoot = 0;
constexpr uint32_t kAlice = 1001;
constexpr uint32_t kMallory = 1002;

class TailerLinks : public TailerScenario {
 protected:
  TailerLinks() {
    env_.WriteFile("/etc/shadow", "root:secret\n");
    env_.WriteFile("/logs/app.log", Text(Numbered("app", 1, 3)));
  }
  int Refusals(const std::string& path) const {
    return log_.Count(LogLevel::kWarning, "not reading " + path + ":");
  }
  bool Shipped(const std::string& line) const {
    for (const std::string& m : Messages()) {
      if (m == line) return true;
    }
    return false;
  }
};

TEST_F(TailerLinks, ALinkOutOfTheNamedDirectoryIsNotReadAndSaidOnce) {
  // Even one made by root: the entry names /logs, not /etc.
  env_.CreateSymlink("/logs/evil.log", "/etc/shadow", kRoot);
  Start({"/logs/*.log"});
  Settle();
  env_.AppendToFile("/logs/app.log", Text(Numbered("app", 4, 1)));
  Settle();
  EXPECT_EQ(Numbered("app", 1, 4), Messages());
  EXPECT_FALSE(Shipped("root:secret"));
  EXPECT_EQ(1, Refusals("/logs/evil.log")) << log_.Text();
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "it leads to /etc/shadow, outside /logs"))
      << log_.Text();
}

TEST_F(TailerLinks, AnExactFilePathThatIsALinkOutIsRefusedToo) {
  env_.CreateSymlink("/logs/current.log", "/etc/shadow", kMallory);
  Start({"/logs/current.log"});
  Settle();
  EXPECT_TRUE(Messages().empty());
  EXPECT_EQ(1, Refusals("/logs/current.log")) << log_.Text();
}

TEST_F(TailerLinks, FollowSymlinksAnywhereReadsWhereverTheLinkLeads) {
  options_.follow_links_anywhere = true;
  env_.CreateSymlink("/logs/evil.log", "/etc/shadow", kMallory);
  Start({"/logs/*.log"});
  Settle();
  EXPECT_TRUE(Shipped("root:secret"));
  EXPECT_EQ(0, Refusals("/logs/evil.log"));
}

TEST_F(TailerLinks, ALinkWithinTheNamedDirectoryIsRead) {
  env_.WriteFile("/logs/2026/app-1.log", Text(Numbered("day", 1, 2)));
  env_.SetOwner("/logs/2026/app-1.log", kAlice);
  env_.CreateSymlink("/logs/current", "2026/app-1.log", kAlice);  // relative
  Start({"/logs/current"});
  Settle();
  EXPECT_EQ(Numbered("day", 1, 2), Messages()) << log_.Text();
}

TEST_F(TailerLinks, ALinkMadeByOneUserToAnothersFileIsRefused) {
  // /home/*/app.log names /home: a link there may lead anywhere under it,
  // but mallory's link to alice's file would ship what mallory cannot read.
  env_.WriteFile("/home/alice/private.log", "alice's secret\n");
  env_.SetOwner("/home/alice/private.log", kAlice);
  env_.WriteFile("/home/alice/app.log", "alice-1\n");
  env_.SetOwner("/home/alice/app.log", kAlice);
  env_.CreateSymlink("/home/mallory/app.log", "/home/alice/private.log", kMallory);
  Start({"/home/*/app.log"});
  Settle();
  EXPECT_EQ(Lines{"alice-1"}, Messages());
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "/home/mallory/app.log is a symbolic link made "
                                              "by user 1002 to a file of user 1001"))
      << log_.Text();
}

TEST_F(TailerLinks, ALinkToAFileOfItsOwnMakerIsRead) {
  env_.WriteFile("/home/mallory/logs/real.log", "mallory-1\n");
  env_.SetOwner("/home/mallory/logs/real.log", kMallory);
  env_.CreateSymlink("/home/mallory/app.log", "/home/mallory/logs/real.log", kMallory);
  Start({"/home/*/app.log"});
  Settle();
  EXPECT_EQ(Lines{"mallory-1"}, Messages()) << log_.Text();
}

TEST_F(TailerLinks, TheNamedDirectoryReplacedByALinkIsNotFollowedThere) {
  Start({"/logs/*"});
  Settle();
  ASSERT_EQ(Numbered("app", 1, 3), Messages());
  // Whoever owns /logs swaps it for a link to /etc: /logs/shadow now
  // leads to /etc/shadow.
  env_.CreateSymlink("/logs", "/etc", kMallory);
  Settle();
  EXPECT_FALSE(Shipped("root:secret"));
  EXPECT_EQ(1, Refusals("/logs/shadow")) << log_.Text();
}

TEST_F(TailerLinks, ALinkToADirectorySortedBeforeItDoesNotHideItsFiles) {
  // Found first by the walk, mallory's link to /logs/real is refused: the
  // directory's own path must still be read.
  env_.WriteFile("/logs/real/app.log", "real-1\n");
  env_.CreateSymlink("/logs/0-link", "real", kMallory);
  Start({"/logs/*/app.log"});
  Settle();
  EXPECT_EQ(Lines{"real-1"}, Messages()) << log_.Text();
}

TEST_F(TailerLinks, ADoubledSlashInTheFilePathRefusesNothing) {
  Start({"//logs//app.log"});
  Settle();
  EXPECT_EQ(Numbered("app", 1, 3), Messages()) << log_.Text();
}

TEST_F(TailerLinks, ADirectoryReachedThroughAnotherUsersLinkIsNotRead) {
  env_.CreateSymlink("/srv/app", "/etc", kMallory);
  Start({"/srv/app/*"});
  Settle();
  EXPECT_TRUE(Messages().empty());
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "is reached through /srv/app, a symbolic link "
                                              "made by user 1002"))
      << log_.Text();
}

TEST_F(TailerLinks, AUsersLinkInsideTheTargetOfRootsLinkIsJudgedToo) {
  // /varlog -> sd/log is root's (a log directory on an SD card); inside
  // it, sd/log is mallory's link to a private directory.
  env_.WriteFile("/private/secret.log", "root's secret\n");
  env_.CreateSymlink("/varlog", "sd/log", kRoot);
  env_.CreateSymlink("/sd/log", "/private", kMallory);
  Start({"/varlog/*.log"});
  Settle();
  EXPECT_FALSE(Shipped("root's secret"));
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "is reached through /sd/log, a symbolic link "
                                              "made by user 1002"))
      << log_.Text();
}

TEST_F(TailerLinks, RootsLinkSwitchedToAnotherReleaseIsFollowedThere) {
  env_.WriteFile("/app/releases/v1/log/app.log", "v1-1\n");
  env_.WriteFile("/app/releases/v2/log/app.log", "v2-1\n");
  env_.CreateSymlink("/app/current", "releases/v1", kRoot);
  Start({"/app/current/log/*.log"});
  Settle();
  ASSERT_EQ(Lines{"v1-1"}, Messages());
  env_.CreateSymlink("/app/current", "releases/v2", kRoot);  // a deploy
  Settle();
  EXPECT_EQ((Lines{"v1-1", "v2-1"}), Messages()) << log_.Text();
  EXPECT_EQ(0, log_.Count(LogLevel::kWarning, "not reading")) << log_.Text();
}

TEST_F(TailerLinks, ADotInTheFilePathRefusesNothing) {
  Start({"/logs/./app.log"});
  Settle();
  EXPECT_EQ(Numbered("app", 1, 3), Messages()) << log_.Text();
}

TEST_F(TailerLinks, ADirectoryReachedThroughRootsLinkIsRead) {
  env_.WriteFile("/data/app/x.log", "x-1\n");
  env_.CreateSymlink("/srv/app", "/data/app", kRoot);
  Start({"/srv/app/*.log"});
  Settle();
  EXPECT_EQ(Lines{"x-1"}, Messages()) << log_.Text();
}

// The file is judged after it is opened, by where the open file is: a link
// planted between the look and the open, and removed just after, is not
// read.
class SwapAtOpenEnv : public EnvWrapper {
 public:
  SwapAtOpenEnv(MemEnv& env, std::string path, std::string target)
      : EnvWrapper(env), env_(env), path_(std::move(path)), target_(std::move(target)) {}
  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override {
    if (path != path_ || !armed) return env_.OpenReadable(path);
    env_.CreateSymlink(path_, target_, kMallory);
    auto file = env_.OpenReadable(path);
    EXPECT_TRUE(env_.Remove(path_).ok());  // the link, not the file under it
    return file;
  }
  bool armed = true;

 private:
  MemEnv& env_;
  std::string path_;
  std::string target_;
};

TEST_F(TailerLinks, ALinkSwappedInAtTheOpenIsNotRead) {
  SwapAtOpenEnv swapping(env_, "/logs/app.log", "/etc/shadow");
  std::vector<TailEntry> entries{Entry("/logs/*.log", "")};
  tailer_ = std::make_unique<Tailer>(swapping, log_, entries, std::vector<Checkpoint>{},
                                     options_);
  tailer_->Discover();
  ReadAll();
  EXPECT_FALSE(Shipped("root:secret"));
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "the file opened is /etc/shadow, outside /logs"))
      << log_.Text();
  // Once the link is gone for good, the file is read.
  swapping.armed = false;
  for (int i = 0; i < 3; ++i) {
    now_ += kPassMs;
    tailer_->Discover();
    ReadAll();
  }
  EXPECT_EQ(Numbered("app", 1, 3), Messages());
}

TEST_F(TailerLinks, ALinkToAnotherUsersFileSwappedInAtTheOpenIsNotRead) {
  // Inside the directory /home/*/app.log names, so where the open file is
  // does not refuse it; but it is not where its path leads, and no link is
  // there any more to judge: not read.
  env_.WriteFile("/home/alice/private.log", "alice's secret\n");
  env_.SetOwner("/home/alice/private.log", kAlice);
  env_.WriteFile("/home/mallory/app.log", "mallory-1\n");
  env_.SetOwner("/home/mallory/app.log", kMallory);
  SwapAtOpenEnv swapping(env_, "/home/mallory/app.log", "/home/alice/private.log");
  std::vector<TailEntry> entries{Entry("/home/*/app.log", "")};
  tailer_ = std::make_unique<Tailer>(swapping, log_, entries, std::vector<Checkpoint>{},
                                     options_);
  tailer_->Discover();
  ReadAll();
  EXPECT_FALSE(Shipped("alice's secret"));
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "it changed while being opened")) << log_.Text();
}

TEST_F(TailerLinks, RefusalsAreSaidOnceEachAndAFloodOfThemIsCut) {
  for (int i = 0; i < 1100; ++i) {
    env_.CreateSymlink("/logs/evil" + std::to_string(i) + ".log", "/etc/shadow", kMallory);
  }
  Start({"/logs/*.log"});
  Settle();
  EXPECT_EQ(1000, log_.Count(LogLevel::kWarning, "not reading /logs/evil"));
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "no more are named"));
  EXPECT_EQ(Numbered("app", 1, 3), Messages());
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
