#include "agent/text/json_escape.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

namespace edgelog {
namespace {

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

// Parses `json` (one JSON string) with cJSON and returns its value.
::testing::AssertionResult ParsesBackTo(const std::string& json,
                                        const std::string& expected) {
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(
      cJSON_ParseWithLength(json.data(), json.size()), cJSON_Delete);
  if (!root) return ::testing::AssertionFailure() << "cJSON refused " << json;
  if (!cJSON_IsString(root.get())) {
    return ::testing::AssertionFailure() << "not a JSON string: " << json;
  }
  std::string value = root->valuestring;
  if (value != expected) {
    return ::testing::AssertionFailure()
           << json << " parsed to \"" << value << "\", expected \"" << expected << "\"";
  }
  return ::testing::AssertionSuccess();
}

TEST(JsonEscapeTest, PlainTextIsQuoted) {
  EXPECT_EQ("\"hello world\"", Json("hello world"));
}

TEST(JsonEscapeTest, EmptyStringIsTwoQuotes) {
  EXPECT_EQ("\"\"", Json(""));
}

TEST(JsonEscapeTest, AppendsToExistingOutput) {
  std::string out = "[";
  AppendJsonString("a", &out);
  out += ",";
  AppendJsonString("b", &out);
  EXPECT_EQ("[\"a\",\"b\"", out);
}

TEST(JsonEscapeTest, QuoteAndBackslashAreEscaped) {
  EXPECT_EQ(R"("say \"hi\" \\ bye")", Json("say \"hi\" \\ bye"));
  EXPECT_EQ(R"("\\\"")", Json("\\\""));
}

TEST(JsonEscapeTest, SlashIsNotEscaped) {
  EXPECT_EQ("\"/var/log/app.log\"", Json("/var/log/app.log"));
}

TEST(JsonEscapeTest, CommonControlCharactersUseShortEscapes) {
  EXPECT_EQ(R"("\n")", Json("\n"));
  EXPECT_EQ(R"("\t")", Json("\t"));
  EXPECT_EQ(R"("\r")", Json("\r"));
  EXPECT_EQ(R"("\b")", Json("\b"));
  EXPECT_EQ(R"("\f")", Json("\f"));
}

TEST(JsonEscapeTest, EveryOtherControlCharacterIsUnicodeEscapedWithLowerCaseHex) {
  for (int c = 0; c < 0x20; ++c) {
    if (c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f') continue;
    char expected[16];
    std::snprintf(expected, sizeof(expected), "\"\\u%04x\"", c);
    EXPECT_EQ(expected, Json(std::string(1, static_cast<char>(c)))) << "byte " << c;
  }
}

TEST(JsonEscapeTest, NulByteIsEscapedNotTruncated) {
  EXPECT_EQ(R"("a\u0000b")", Json(std::string("a\0b", 3)));
}

TEST(JsonEscapeTest, DelIsPassedThrough) {
  EXPECT_EQ("\"a\x7F" "b\"", Json("a\x7F" "b"));
}

TEST(JsonEscapeTest, PrintableAsciiOtherThanQuoteAndBackslashIsPassedThrough) {
  for (int c = 0x20; c < 0x7F; ++c) {
    if (c == '"' || c == '\\') continue;
    std::string s(1, static_cast<char>(c));
    EXPECT_EQ("\"" + s + "\"", Json(s)) << "byte " << c;
  }
}

TEST(JsonEscapeTest, NonAsciiIsPassedThroughUnchanged) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE4\xB8\xAD";
  EXPECT_EQ("\"" + text + "\"", Json(text));
}

TEST(JsonEscapeTest, LineAndParagraphSeparatorsArePassedThrough) {
  // U+2028 and U+2029 are valid raw in JSON (only JavaScript minds them).
  const std::string text = "a\xE2\x80\xA8" "b\xE2\x80\xA9" "c";
  EXPECT_EQ("\"" + text + "\"", Json(text));
}

TEST(JsonEscapeTest, EscapesInsideLongRunsLandInTheRightPlace) {
  std::string text(100, 'x');
  text[0] = '"';
  text[50] = '\n';
  text[99] = '\\';
  std::string expected = "\"\\\"" + std::string(49, 'x') + "\\n" + std::string(48, 'x') +
                         "\\\\\"";
  EXPECT_EQ(expected, Json(text));
}

TEST(JsonEscapeTest, EveryControlCharacterRoundTripsThroughCjson) {
  for (int c = 1; c < 0x20; ++c) {
    std::string s = "<" + std::string(1, static_cast<char>(c)) + ">";
    EXPECT_TRUE(ParsesBackTo(Json(s), s)) << "byte " << c;
  }
}

TEST(JsonEscapeTest, MixedTextRoundTripsThroughCjson) {
  const std::string texts[] = {
      "",
      "plain",
      "quote \" backslash \\ slash /",
      "tab\there\r\nnew\fform\bback",
      "\x01\x02\x1F\x7F",
      "caf\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x80\xA8 \xE2\x80\xA9 \xEF\xBF\xBD",
      "{\"looks\":\"like json\"}\\u0041",
  };
  for (const std::string& s : texts) {
    EXPECT_TRUE(ParsesBackTo(Json(s), s));
  }
}

TEST(JsonEscapeTest, AllAsciiExceptNulRoundTripsThroughCjson) {
  // All bytes 0x01..0x7F in one string.
  std::string s;
  for (int c = 1; c < 0x80; ++c) s.push_back(static_cast<char>(c));
  EXPECT_TRUE(ParsesBackTo(Json(s), s));
}

}  // namespace
}  // namespace edgelog
