// Reading a listen address and a request head (no socket).
#include <gtest/gtest.h>

#include <string>

#include "platform/http_server.h"

namespace edgelog {
namespace {

TEST(ParseListenAddressTest, HostAndPort) {
  std::string host;
  uint16_t port = 0;
  ASSERT_TRUE(ParseListenAddress("127.0.0.1:2020", &host, &port).ok());
  EXPECT_EQ("127.0.0.1", host);
  EXPECT_EQ(2020, port);
  ASSERT_TRUE(ParseListenAddress("[::1]:9", &host, &port).ok());
  EXPECT_EQ("::1", host);
  EXPECT_EQ(9, port);
  ASSERT_TRUE(ParseListenAddress("localhost:65535", &host, &port).ok());
  EXPECT_EQ("localhost", host);
  EXPECT_EQ(65535, port);
}

TEST(ParseListenAddressTest, WhatIsWrongIsSaid) {
  std::string host;
  uint16_t port = 0;
  for (const char* bad : {"2020", ":2020", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:20x", "::1:2020", "[::1:2020", "127.0.0.1:99999999999"}) {
    Status s = ParseListenAddress(bad, &host, &port);
    EXPECT_EQ(Code::kInvalidArgument, s.code()) << bad;
    EXPECT_FALSE(s.message().empty()) << bad;
  }
}

TEST(ParseListenAddressTest, TheHostIsANumericAddressOrLocalhost) {
  std::string host;
  uint16_t port = 0;
  for (const char* bad : {"host.example:2020", " 127.0.0.1:2020", "127.1:2020", "[x]:2020",
                          "[127.0.0.1]:2020"}) {
    Status s = ParseListenAddress(bad, &host, &port);
    EXPECT_EQ(Code::kInvalidArgument, s.code()) << bad;
    EXPECT_NE(std::string::npos, s.message().find("address")) << s.message();
  }
  EXPECT_EQ("has no port: HOST:PORT, e.g. [::1]:2020",
            ParseListenAddress("[::1]", &host, &port).message());
  EXPECT_TRUE(ParseListenAddress("0.0.0.0:2020", &host, &port).ok());
  EXPECT_TRUE(ParseListenAddress("[::]:2020", &host, &port).ok());
  EXPECT_TRUE(ParseListenAddress("[::ffff:127.0.0.1]:2020", &host, &port).ok());
}

TEST(ParseRequestHeadTest, TheAbsoluteFormGivesItsPath) {
  ServedRequest r;
  EXPECT_EQ(0, ParseRequestHead("GET http://127.0.0.1:2020/metrics?x HTTP/1.1", &r));
  EXPECT_EQ("/metrics?x", r.target);
  EXPECT_EQ(0, ParseRequestHead("GET http://h HTTP/1.1", &r));
  EXPECT_EQ("/", r.target);
  EXPECT_EQ(400, ParseRequestHead("GET ftp://h/x HTTP/1.1", &r));
}

TEST(ParseRequestHeadTest, GetAndHead) {
  ServedRequest r;
  EXPECT_EQ(0, ParseRequestHead("GET /metrics HTTP/1.1\r\nHost: x", &r));
  EXPECT_EQ("GET", r.method);
  EXPECT_EQ("/metrics", r.target);
  EXPECT_EQ(0, ParseRequestHead("HEAD /health?verbose=1 HTTP/1.0", &r));
  EXPECT_EQ("HEAD", r.method);
  EXPECT_EQ("/health?verbose=1", r.target);
}

TEST(ParseRequestHeadTest, OthersAreRefused) {
  ServedRequest r;
  EXPECT_EQ(405, ParseRequestHead("POST /metrics HTTP/1.1", &r));
  EXPECT_EQ(400, ParseRequestHead("GET /metrics", &r));
  EXPECT_EQ(400, ParseRequestHead("GET /metrics HTTP/2", &r));
  EXPECT_EQ(400, ParseRequestHead("GET metrics HTTP/1.1", &r));
  EXPECT_EQ(400, ParseRequestHead("GET  HTTP/1.1", &r));
  EXPECT_EQ(400, ParseRequestHead("", &r));
  EXPECT_EQ(400, ParseRequestHead(std::string("GET /a\x01 HTTP/1.1"), &r));
}

TEST(ParseListenAddressTest, AStrayBracketIsRefused) {
  std::string host;
  uint16_t port = 0;
  for (const char* bad : {"x]:2020", "[::1]]:2020", "a[b:2020", "[[::1]:2020"}) {
    Status s = ParseListenAddress(bad, &host, &port);
    EXPECT_EQ(Code::kInvalidArgument, s.code()) << bad;
    EXPECT_NE(std::string::npos, s.message().find("bracket")) << s.message();
  }
}

}  // namespace
}  // namespace edgelog
