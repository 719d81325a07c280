// How a child's standard error is shown in a message
// (platform/posix/child_process.h). Starting children is tested through
// both users: process_runner_test.cc and streaming_process_test.cc.
#include "platform/posix/child_process.h"

#include <gtest/gtest.h>

#include <string>

namespace edgelog {
namespace {

TEST(ChildErrorsForMessageTest, IsOneLineWithRunsOfSpaceAsOne) {
  EXPECT_EQ(ChildErrorsForMessage("  first line\n\n\tsecond\r\n"), "first line second");
  EXPECT_EQ(ChildErrorsForMessage(" \n\t "), "");
}

TEST(ChildErrorsForMessageTest, ShowsOnlyTheStart) {
  std::string shown = ChildErrorsForMessage(std::string(1000, 'x') + " tail");
  EXPECT_EQ(shown, std::string(kChildErrorsShown, 'x') + "...");
}

TEST(ChildErrorsForMessageTest, RemovesSecrets) {
  std::string shown = ChildErrorsForMessage(
      "denied: aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(shown.find("wJalrXUtnFEMI"), std::string::npos) << shown;
  EXPECT_NE(shown.find("denied"), std::string::npos) << shown;
}

// Only the first kChildErrorsKept bytes are kept: the word the cut ends in
// may be part of a secret, and is not shown at all.
TEST(ChildErrorsForMessageTest, DropsTheWordCutShortByTheLimitKept) {
  std::string errors = "error " + std::string(kChildErrorsKept, 'A');
  errors.resize(kChildErrorsKept);
  EXPECT_EQ(ChildErrorsForMessage(errors), "error");
}

}  // namespace
}  // namespace edgelog
