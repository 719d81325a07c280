// The POSIX ProcessStarter against real processes and a real epoll Poller.
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <string>

#include "platform/poller.h"
#include "platform/process.h"
#include "tests/support/emulation.h"

namespace edgelog {
namespace {

constexpr int kMaxWaits = 200;  // of 50 ms: 10 s at most for anything here

class StreamingProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EDGELOG_SKIP_UNDER_EMULATION("a child forked by a dynamically linked program never "
                                 "finishes there, even one that only calls _exit");
    ASSERT_NE(nullptr, poller_);
  }

  // Reads until the output ends; the exit as TakeExit says it.
  std::string ReadAll(StreamingProcess& p, std::string* out) {
    for (int i = 0; i < kMaxWaits; ++i) {
      auto n = p.Read(out, 1 << 20);
      EXPECT_TRUE(n.ok()) << n.status().ToString();
      if (p.output_ended()) {
        if (auto exit = p.TakeExit()) return *exit;
      }
      EXPECT_TRUE(poller_->Wait(50).ok());
    }
    ADD_FAILURE() << "the child never ended";
    return "";
  }

  std::unique_ptr<Poller> poller_ = NewEpollPoller();
  std::unique_ptr<ProcessStarter> starter_ = NewProcessStarter(*poller_);
};

TEST_F(StreamingProcessTest, OutputIsReadAsItComesAndAnExitZeroSaysNothing) {
  auto p = starter_->Start({"sh", "-c", "printf 'one\\n'; sleep 0.2; printf 'two\\n'"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::string out;
  EXPECT_EQ("", ReadAll(**p, &out));
  EXPECT_EQ("one\ntwo\n", out);
}

TEST_F(StreamingProcessTest, ArgumentsReachTheProgramAsTheyAreWithoutAShell) {
  auto p = starter_->Start({"printf", "%s|", "a b", "$HOME", "x;y"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::string out;
  EXPECT_EQ("", ReadAll(**p, &out));
  EXPECT_EQ("a b|$HOME|x;y|", out);
}

TEST_F(StreamingProcessTest, OutputWakesThePoller) {
  auto p = starter_->Start({"sh", "-c", "sleep 0.1; echo late; sleep 5"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto woke = poller_->Wait(5000);
  ASSERT_TRUE(woke.ok());
  EXPECT_GT(*woke, 0);
  std::string out;
  ASSERT_TRUE((*p)->Read(&out, 100).ok());
  EXPECT_EQ("late\n", out);
  EXPECT_FALSE((*p)->output_ended());
  EXPECT_FALSE((*p)->TakeExit().has_value()) << "it is still running";
}

TEST_F(StreamingProcessTest, AMissingProgramIsNotFoundNamingIt) {
  auto p = starter_->Start({"edgelog-no-such-program-here"});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(Code::kNotFound, p.status().code());
  EXPECT_NE(std::string::npos, p.status().message().find("edgelog-no-such-program-here"))
      << p.status().message();
}

TEST_F(StreamingProcessTest, AFailedExitNamesTheStatusAndTheStartOfStandardError) {
  auto p = starter_->Start({"sh", "-c", "echo partial; echo 'Failed to open journal' >&2; exit 3"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::string out;
  EXPECT_EQ("exited with status 3: Failed to open journal", ReadAll(**p, &out));
  EXPECT_EQ("partial\n", out);
}

TEST_F(StreamingProcessTest, DroppingTheProcessKillsAndReapsIt) {
  auto p = starter_->Start({"sh", "-c", "echo $$; exec sleep 100"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::string out;
  for (int i = 0; i < kMaxWaits && out.find('\n') == std::string::npos; ++i) {
    ASSERT_TRUE((*p)->Read(&out, 100).ok());
    if (out.find('\n') == std::string::npos) {
      ASSERT_TRUE(poller_->Wait(50).ok());
    }
  }
  pid_t pid = static_cast<pid_t>(std::stol(out));
  ASSERT_EQ(0, ::kill(pid, 0)) << "running before";
  p->reset();
  EXPECT_EQ(-1, ::kill(pid, 0));
  EXPECT_EQ(ESRCH, errno) << "still there (or a zombie) after the StreamingProcess went";
}

}  // namespace
}  // namespace edgelog
