#include "agent/base/logger.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/capture_logger.h"

namespace edgelog {
namespace {

constexpr char kSecret[] = "not+shaped/like-a-secret";

TEST(LoggerTest, AHiddenSecretLeavesEveryLevel) {
  testing::CaptureLogger log;
  log.Hide(kSecret);
  const std::string m = std::string("the process said SecretAccessKey=") + kSecret + " and quit";
  log.Debug(m);
  log.Info(m);
  log.Warning(m);
  log.Error(m);
  ASSERT_EQ(4u, log.lines().size());
  for (const auto& line : log.lines()) {
    EXPECT_EQ("the process said SecretAccessKey=[redacted] and quit", line.text);
  }
}

TEST(LoggerTest, WhatIsShapedLikeASecretLeavesWithoutBeingHidden) {
  testing::CaptureLogger log;
  log.Error("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ("aws_secret_access_key=[redacted]", log.lines().at(0).text);
}

TEST(LoggerTest, RedactShowsTextAsAMessageWould) {
  testing::CaptureLogger log;
  log.Hide(kSecret);
  EXPECT_EQ("reason: [redacted]", log.Redact(std::string("reason: ") + kSecret));
  EXPECT_TRUE(log.lines().empty());
}

TEST(LoggerTest, TheLastFewSecretsStayHidden) {
  testing::CaptureLogger log;
  for (size_t i = 0; i < Logger::kHiddenKept + 1; ++i) {
    log.Hide("rotated-secret-" + std::to_string(i));
  }
  EXPECT_EQ("rotated-secret-0", log.Redact("rotated-secret-0"));  // the oldest is forgotten
  EXPECT_EQ("[redacted]", log.Redact("rotated-secret-1"));
  EXPECT_EQ("[redacted]",
            log.Redact("rotated-secret-" + std::to_string(Logger::kHiddenKept)));
}

TEST(LoggerTest, ALineOfTheLogIsEdgelogsOwnWhateverTheMessageHolds) {
  // A file name is chosen by whoever can write to the directory: a newline
  // and a forged "edgelog: error:" in it must not read as a line of ours.
  EXPECT_EQ("edgelog: following /logs/a.log\n",
            FormatLogLine(LogLevel::kInfo, "following /logs/a.log"));
  EXPECT_EQ("edgelog: warning: following /logs/x\n  edgelog: error: forged.log\n",
            FormatLogLine(LogLevel::kWarning, "following /logs/x\nedgelog: error: forged.log"));
  EXPECT_EQ("edgelog: error: a\\x1b[31mb\\x0dc\td\n",
            FormatLogLine(LogLevel::kError, "a\x1b[31mb\rc\td\n"));
}

TEST(LoggerTest, C1ControlsAndBytesThatAreNotUtf8ReachNoTerminal) {
  // U+009B is CSI to a terminal that takes 8-bit controls, as is the byte 0x9B.
  EXPECT_EQ("edgelog: x\\u009b31my \\x9b31m\n",
            FormatLogLine(LogLevel::kInfo, "x\xc2\x9b" "31my \x9b" "31m"));
  // UTF-8 stays as it is: accents, U+00A0 and up, four-byte characters.
  EXPECT_EQ("edgelog: caf\xc3\xa9 \xc2\xa0 \xf0\x9f\x93\x9c\n",
            FormatLogLine(LogLevel::kInfo, "caf\xc3\xa9 \xc2\xa0 \xf0\x9f\x93\x9c"));
  // Cut short, overlong, a surrogate: byte by byte.
  EXPECT_EQ("edgelog: \\xe2\\x82 \\xc0\\xaf \\xed\\xa0\\x80\n",
            FormatLogLine(LogLevel::kInfo, "\xe2\x82 \xc0\xaf \xed\xa0\x80"));
  std::string shown;
  AppendForTerminal("a\nb\x85", &shown);
  EXPECT_EQ("a\\x0ab\\x85", shown);
}

// Log lines written as "<LINE>\n" into the same bytes a StatusLineLogger
// writes its raw output to: what a terminal would get, in order.
class TerminalLines : public Logger {
 public:
  explicit TerminalLines(std::string* bytes) : bytes_(bytes) {}
  void Write(LogLevel, std::string_view message) override {
    *bytes_ += "<" + std::string(message) + ">\n";
  }

 private:
  std::string* bytes_;
};

TEST(StatusLineLoggerTest, WithoutAStatusLineLogLinesPassUnchanged) {
  std::string bytes;
  TerminalLines lines(&bytes);
  StatusLineLogger log(lines, [&](std::string_view b) { bytes += b; });
  log.Info("one");
  log.End();
  EXPECT_EQ("<one>\n", bytes);
}

TEST(StatusLineLoggerTest, ALogLineErasesTheStatusLineAndDrawsItAgainBelow) {
  std::string bytes;
  TerminalLines lines(&bytes);
  StatusLineLogger log(lines, [&](std::string_view b) { bytes += b; });
  log.Show("50 %");
  log.Warning("slow");
  log.Show("60 %");
  log.End();
  log.Info("done");
  EXPECT_EQ("\r50 %\x1b[K"
            "\r\x1b[K<slow>\n\r50 %"
            "\r60 %\x1b[K"
            "\n"
            "<done>\n",
            bytes);
}

TEST(StatusLineLoggerTest, ALineIsCutToTheTerminalsWidthNow) {
  std::string bytes;
  TerminalLines lines(&bytes);
  size_t columns = 6;
  StatusLineLogger log(lines, [&](std::string_view b) { bytes += b; }, [&] { return columns; });
  log.Show("123456789");
  columns = 0;  // unknown: as it is
  log.Show("123456789");
  columns = 20;
  log.Show("12345");
  EXPECT_EQ("\r12345\x1b[K\r123456789\x1b[K\r12345\x1b[K", bytes);
}

TEST(StatusLineLoggerTest, EndWithNothingShownWritesNothing) {
  std::string bytes;
  TerminalLines lines(&bytes);
  StatusLineLogger log(lines, [&](std::string_view b) { bytes += b; });
  log.Show("x");
  log.End();
  log.End();
  EXPECT_EQ("\rx\x1b[K\n", bytes);
}

}  // namespace
}  // namespace edgelog
