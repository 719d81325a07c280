#include "agent/aws/creds/ini.h"

#include <gtest/gtest.h>

#include <string>

namespace edgelog {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(IniTest, SectionsKeysCommentsAndBlankLines) {
  auto ini = ParseIni(
      "# a comment\n"
      "; another\n"
      "\n"
      "[default]\n"
      "  AWS_Access_Key_ID   =   AKID  \n"
      "\t# an indented comment\n"
      "region=eu-west-1\n"
      "\n"
      "[  profile dev  ]\n"
      "output = json\n",
      "creds");
  ASSERT_TRUE(ini.ok()) << ini.status().ToString();
  ASSERT_EQ(2u, ini->size());
  EXPECT_EQ("AKID", ini->at("default").at("aws_access_key_id"));
  EXPECT_EQ("eu-west-1", ini->at("default").at("region"));
  EXPECT_EQ("json", ini->at("profile dev").at("output"));
}

TEST(IniTest, AnInlineHashOrSemicolonStaysInTheValueAsInTheAwsCli) {
  auto ini = ParseIni("[default]\nregion = eu-west-1 # Ireland\nx = a ; b\n", "config");
  ASSERT_TRUE(ini.ok());
  EXPECT_EQ("eu-west-1 # Ireland", ini->at("default").at("region"));
  EXPECT_EQ("a ; b", ini->at("default").at("x"));
}

TEST(IniTest, CrlfLineEndingsAndAByteOrderMarkAreAccepted) {
  auto ini = ParseIni("\xEF\xBB\xBF[default]\r\nregion = us-east-2\r\n\r\nkey = v\r\n", "config");
  ASSERT_TRUE(ini.ok()) << ini.status().ToString();
  EXPECT_EQ("us-east-2", ini->at("default").at("region"));
  EXPECT_EQ("v", ini->at("default").at("key"));
}

TEST(IniTest, AColonSeparatesLikeAnEqualsSign) {
  auto ini = ParseIni("[default]\nregion: eu-north-1\nrole_arn = arn:aws:iam::1:role/x\n", "c");
  ASSERT_TRUE(ini.ok());
  EXPECT_EQ("eu-north-1", ini->at("default").at("region"));
  EXPECT_EQ("arn:aws:iam::1:role/x", ini->at("default").at("role_arn"));
}

TEST(IniTest, IndentedLinesUnderAnEmptyKeyAreNestedSubKeys) {
  auto ini = ParseIni(
      "[default]\n"
      "s3 =\n"
      "    max_concurrent_requests = 20\n"
      "\n"
      "    Addressing_Style = path\n"
      "region = eu-west-3\n",
      "config");
  ASSERT_TRUE(ini.ok()) << ini.status().ToString();
  const auto& section = ini->at("default");
  EXPECT_EQ("20", section.at("s3.max_concurrent_requests"));
  EXPECT_EQ("path", section.at("s3.addressing_style"));
  EXPECT_EQ("eu-west-3", section.at("region"));
}

TEST(IniTest, IndentedLinesUnderAValueContinueIt) {
  auto ini = ParseIni("[default]\nnote = first\n  second\nregion = x\n", "config");
  ASSERT_TRUE(ini.ok());
  EXPECT_EQ("first\nsecond", ini->at("default").at("note"));
  EXPECT_EQ("x", ini->at("default").at("region"));
}

TEST(IniTest, AnIndentedKeyRightAfterASectionHeaderIsAKey) {
  auto ini = ParseIni("[default]\n  region = x\n  output = json\n", "config");
  ASSERT_TRUE(ini.ok());
  EXPECT_EQ("x", ini->at("default").at("region"));
  EXPECT_EQ("json", ini->at("default").at("output"));
}

TEST(IniTest, DuplicateKeysLastWinsAndRepeatedSectionsMerge) {
  auto ini = ParseIni("[a]\nk = 1\nk = 2\n[b]\nx = y\n[a]\nother = 3\n", "config");
  ASSERT_TRUE(ini.ok());
  EXPECT_EQ("2", ini->at("a").at("k"));
  EXPECT_EQ("3", ini->at("a").at("other"));
  EXPECT_EQ("y", ini->at("b").at("x"));
}

TEST(IniTest, AnEmptyFileHasNoSections) {
  auto ini = ParseIni("", "config");
  ASSERT_TRUE(ini.ok());
  EXPECT_TRUE(ini->empty());
  ini = ParseIni("\n# only comments\n\n", "config");
  ASSERT_TRUE(ini.ok());
  EXPECT_TRUE(ini->empty());
}

TEST(IniTest, ALineThatFitsNothingNamesFileAndLineButNotItsText) {
  auto ini = ParseIni("[default]\naws_access_key_id = AKID\nwJalrXUtnFEMIsecretbits\n",
                      "/home/u/.aws/credentials");
  ASSERT_FALSE(ini.ok());
  EXPECT_EQ(Code::kInvalidArgument, ini.status().code());
  EXPECT_TRUE(Contains(ini.status().message(), "/home/u/.aws/credentials:3: "))
      << ini.status().message();
  EXPECT_FALSE(Contains(ini.status().message(), "wJalrXUtnFEMI"));
}

TEST(IniTest, AKeyBeforeAnySectionIsAnError) {
  auto ini = ParseIni("\nregion = x\n[default]\n", "config");
  ASSERT_FALSE(ini.ok());
  EXPECT_TRUE(Contains(ini.status().message(), "config:2: ")) << ini.status().message();
}

TEST(IniTest, BrokenSectionHeadersAreErrors) {
  for (const char* text : {"[default\n", "[]\n", "[default] junk\n", "[default]\n= value\n"}) {
    auto ini = ParseIni(text, "config");
    EXPECT_FALSE(ini.ok()) << text;
    EXPECT_EQ(Code::kInvalidArgument, ini.status().code()) << text;
  }
  auto ini = ParseIni("[default]  # the usual one\nregion = x\n", "config");
  ASSERT_TRUE(ini.ok()) << ini.status().ToString();
  EXPECT_EQ("x", ini->at("default").at("region"));
}

TEST(IniTest, ANestedLineWithoutEqualsSignIsAnError) {
  auto ini = ParseIni("[default]\ns3 =\n  max_concurrent_requests\n", "config");
  ASSERT_FALSE(ini.ok());
  EXPECT_TRUE(Contains(ini.status().message(), "config:3: ")) << ini.status().message();
}

}  // namespace
}  // namespace edgelog
