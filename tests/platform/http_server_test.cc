#include "platform/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

namespace edgelog {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    poller_ = NewEpollPoller();
    ASSERT_NE(nullptr, poller_);
    auto server = ListenHttp(*poller_, "127.0.0.1", 0, [this](const ServedRequest& r) {
      seen_.push_back(r.method + " " + r.target);
      ServedResponse out;
      if (r.target != "/hello") {
        out.status = 404;
        out.body = "no\n";
      } else {
        out.body = "hi\n";
      }
      return out;
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    port_ = static_cast<uint16_t>(std::stoi(server_->address().substr(10)));
  }

  int Connect() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    EXPECT_EQ(0, ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)));
    return fd;
  }

  // Sends `request` (then half-closes, with `shut`) and turns the loop
  // until the server closes; the answer.
  std::string Exchange(const std::string& request, bool shut = false) {
    int fd = Connect();
    EXPECT_EQ(static_cast<ssize_t>(request.size()),
              ::send(fd, request.data(), request.size(), MSG_NOSIGNAL));
    if (shut) ::shutdown(fd, SHUT_WR);
    std::string answer;
    for (int turns = 0; turns < 200; ++turns) {
      EXPECT_TRUE(poller_->Wait(20).ok());
      char buf[4096];
      ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
      if (n > 0) answer.append(buf, static_cast<size_t>(n));
      if (n == 0) break;
    }
    ::close(fd);
    return answer;
  }

  std::unique_ptr<Poller> poller_;
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  std::vector<std::string> seen_;
};

TEST_F(HttpServerTest, AnswersAGetAndCloses) {
  EXPECT_EQ(0u, server_->address().rfind("127.0.0.1:", 0)) << server_->address();
  EXPECT_NE(0, port_);
  std::string answer = Exchange("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n"
      "Connection: close\r\n\r\nhi\n",
      answer);
  EXPECT_EQ((std::vector<std::string>{"GET /hello"}), seen_);
}

TEST_F(HttpServerTest, HeadHasNoBodyAndTheHandlersStatusIsKept) {
  std::string answer = Exchange("HEAD /other HTTP/1.0\r\n\r\n");
  EXPECT_EQ(0u, answer.rfind("HTTP/1.1 404 Not Found\r\n", 0)) << answer;
  EXPECT_NE(std::string::npos, answer.find("Content-Length: 3\r\n")) << answer;
  EXPECT_EQ(answer.size() - 4, answer.find("\r\n\r\n")) << "a body came: " << answer;
}

TEST_F(HttpServerTest, OtherMethodsAndGarbageAreRefusedWithoutTheHandler) {
  EXPECT_EQ(0u, Exchange("POST /hello HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 405 ", 0));
  EXPECT_EQ(0u, Exchange("\x16\x03\x01 hello\r\n\r\n").rfind("HTTP/1.1 400 ", 0));
  EXPECT_EQ(0u, Exchange(std::string(HttpServer::kMaxRequestBytes + 10, 'a'))
                    .rfind("HTTP/1.1 431 ", 0));
  EXPECT_TRUE(seen_.empty());
}

TEST_F(HttpServerTest, ARequestFollowedByAHalfCloseIsAnswered) {
  std::string answer = Exchange("GET /hello HTTP/1.0\r\n\r\n", /*shut=*/true);
  EXPECT_EQ(0u, answer.rfind("HTTP/1.1 200 OK\r\n", 0)) << answer;
  EXPECT_EQ("", Exchange("GET /hello HTTP/1.0\r\n", /*shut=*/true)) << "no whole head: closed";
}

TEST_F(HttpServerTest, A405SaysWhatIsAllowedAndTheHeadLimitIsExact) {
  EXPECT_NE(std::string::npos,
            Exchange("DELETE /hello HTTP/1.1\r\n\r\n").find("\r\nAllow: GET, HEAD\r\n"));
  // A whole head just over the limit, in one send: refused, not served.
  std::string head = "GET /" + std::string(HttpServer::kMaxRequestBytes, 'a') + " HTTP/1.1\r\n\r\n";
  EXPECT_EQ(0u, Exchange(head).rfind("HTTP/1.1 431 ", 0));
  EXPECT_TRUE(seen_.empty());
}

TEST_F(HttpServerTest, SilentClientsCostASlotEachNeverTheServer) {
  std::vector<int> silent;
  for (size_t i = 0; i < HttpServer::kMaxConnections + 4; ++i) {
    silent.push_back(Connect());
    ASSERT_TRUE(poller_->Wait(0).ok());
  }
  EXPECT_EQ(0u, Exchange("GET /hello HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200 OK", 0));
  for (int fd : silent) ::close(fd);
}

TEST_F(HttpServerTest, AProbeQueuedBeforeAFloodIsAnsweredNotCutOff) {
  // All arrive while the loop is busy: accepted in one go, the probe first.
  int probe = Connect();
  const std::string request = "GET /hello HTTP/1.1\r\n\r\n";
  ASSERT_EQ(static_cast<ssize_t>(request.size()),
            ::send(probe, request.data(), request.size(), MSG_NOSIGNAL));
  std::vector<int> flood;
  for (size_t i = 0; i < HttpServer::kMaxConnections + 4; ++i) flood.push_back(Connect());
  std::string answer;
  for (int turns = 0; turns < 200; ++turns) {
    ASSERT_TRUE(poller_->Wait(20).ok());
    char buf[4096];
    ssize_t n = ::recv(probe, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) answer.append(buf, static_cast<size_t>(n));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) break;
  }
  EXPECT_EQ(0u, answer.rfind("HTTP/1.1 200 OK", 0)) << "[" << answer << "]";
  ::close(probe);
  for (int fd : flood) ::close(fd);
}

TEST(HttpServerListenTest, ABadHostOrABusyPortIsSaid) {
  auto poller = NewEpollPoller();
  auto bad = ListenHttp(*poller, "example.com", 2020, nullptr);
  EXPECT_EQ(Code::kInvalidArgument, bad.status().code());
  auto first = ListenHttp(*poller, "127.0.0.1", 0, nullptr);
  ASSERT_TRUE(first.ok());
  std::string address = (*first)->address();
  auto port = static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
  auto second = ListenHttp(*poller, "127.0.0.1", port, nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(std::string::npos, second.status().message().find(address))
      << second.status().message();
}

}  // namespace
}  // namespace edgelog
