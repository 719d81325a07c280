// NOTIFY_SOCKET datagrams, received by a socket standing in for systemd.
#include "platform/service_manager.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace edgelog {
namespace {

class ServiceManagerTest : public ::testing::Test {
 protected:
  // Binds a datagram socket at `name` (a path, or "@x" for an abstract one).
  void Bind(const std::string& name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_un a = {};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, name.data(), name.size());
    if (name[0] == '@') a.sun_path[0] = '\0';
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    ASSERT_EQ(0, ::bind(fd_, reinterpret_cast<sockaddr*>(&a), length)) << std::strerror(errno);
  }
  std::string Receive() {
    char buf[256];
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    return n < 0 ? "(nothing)" : std::string(buf, static_cast<size_t>(n));
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  int fd_ = -1;
  std::string path_;
};

TEST_F(ServiceManagerTest, ADatagramGoesToASocketPath) {
  char dir[] = "/tmp/edgelog-notify-XXXXXX";
  ASSERT_NE(nullptr, ::mkdtemp(dir));
  path_ = std::string(dir) + "/notify";
  Bind(path_);
  EXPECT_TRUE(NotifyServiceManager(path_, "READY=1").ok());
  EXPECT_EQ("READY=1", Receive());
  ::unlink(path_.c_str());
  path_.clear();
  ::rmdir(dir);
}

TEST_F(ServiceManagerTest, AnAbstractSocketToo) {
  std::string name = "@edgelog-test-notify-" + std::to_string(::getpid());
  Bind(name);
  EXPECT_TRUE(NotifyServiceManager(name, "STOPPING=1").ok());
  EXPECT_EQ("STOPPING=1", Receive());
}

TEST_F(ServiceManagerTest, NothingWithoutASocketAndAnErrorForABadOne) {
  EXPECT_TRUE(NotifyServiceManager("", "READY=1").ok());
  EXPECT_EQ(Code::kInvalidArgument, NotifyServiceManager("relative", "READY=1").code());
  EXPECT_FALSE(NotifyServiceManager("/nonexistent/dir/notify", "READY=1").ok());
}

}  // namespace
}  // namespace edgelog
