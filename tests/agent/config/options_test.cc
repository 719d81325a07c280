#include "agent/config/options.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace edgelog {
namespace {

// The Markdown rows of OptionsMarkdown() that document `key`.
int RowsFor(const std::string& markdown, std::string_view key) {
  std::string needle = "| `" + std::string(key) + "` |";
  int rows = 0;
  for (size_t at = markdown.find(needle); at != std::string::npos;
       at = markdown.find(needle, at + 1)) {
    if (at == 0 || markdown[at - 1] == '\n') ++rows;
  }
  return rows;
}

TEST(OptionsTest, MarkdownHasOneRowForEveryNonObjectOption) {
  std::string md = OptionsMarkdown();
  for (const OptionSpec& o : AllOptions()) {
    if (o.type == OptionType::kObject) continue;
    EXPECT_EQ(1, RowsFor(md, o.key)) << o.key;
  }
}

TEST(OptionsTest, MarkdownHasNoRowForObjectOptions) {
  std::string md = OptionsMarkdown();
  for (const OptionSpec& o : AllOptions()) {
    if (o.type != OptionType::kObject) continue;
    EXPECT_EQ(0, RowsFor(md, o.key)) << o.key;
  }
}

TEST(OptionsTest, MarkdownIsAHeaderAndOneLinePerRow) {
  std::string md = OptionsMarkdown();
  size_t lines = 0;
  for (char c : md) lines += c == '\n';
  size_t non_object = 0;
  for (const OptionSpec& o : AllOptions()) non_object += o.type != OptionType::kObject;
  EXPECT_EQ(non_object + 2, lines);
  EXPECT_EQ(0u, md.find("| key | type | default | meaning |\n|---|---|---|---|\n"));
}

TEST(OptionsTest, MarkdownRowShowsTypeDefaultAndDoc) {
  std::string md = OptionsMarkdown();
  const OptionSpec* o = FindOption("logs.force_flush_interval");
  ASSERT_NE(nullptr, o);
  std::string row = "| `logs.force_flush_interval` | integer | `5` | " + std::string(o->doc) + " |\n";
  EXPECT_NE(std::string::npos, md.find(row)) << md;
}

TEST(OptionsTest, MarkdownMarksIgnoredAndNotYetAppliedOptions) {
  std::string md = OptionsMarkdown();
  for (const OptionSpec& o : AllOptions()) {
    if (o.type == OptionType::kObject) continue;
    size_t at = md.find("| `" + std::string(o.key) + "` |");
    ASSERT_NE(std::string::npos, at);
    std::string row = md.substr(at, md.find('\n', at) - at);
    bool ignored = row.find("*Accepted, not used.*") != std::string::npos;
    bool not_yet = row.find("*Accepted with a warning; not applied yet.*") != std::string::npos;
    EXPECT_EQ(o.use == OptionUse::kIgnored, ignored) << row;
    EXPECT_EQ(o.use == OptionUse::kNotYet, not_yet) << row;
  }
}

TEST(OptionsTest, KeysAreUnique) {
  std::set<std::string_view> keys;
  for (const OptionSpec& o : AllOptions()) EXPECT_TRUE(keys.insert(o.key).second) << o.key;
}

TEST(OptionsTest, EveryOptionHasADocLine) {
  for (const OptionSpec& o : AllOptions()) {
    EXPECT_FALSE(o.doc.empty()) << o.key;
    EXPECT_EQ(std::string_view::npos, o.doc.find('\n')) << o.key;
    EXPECT_EQ(std::string_view::npos, o.doc.find('|')) << o.key << " would break the table";
  }
}

TEST(OptionsTest, EveryNestedKeyHasAnObjectOrArrayParent) {
  for (const OptionSpec& o : AllOptions()) {
    std::string_view key = o.key;
    // The agent's "service.name" and "deployment.environment" are one key.
    for (std::string_view dotted : {".service.name", ".deployment.environment"}) {
      if (key.size() > dotted.size() && key.substr(key.size() - dotted.size()) == dotted) {
        key.remove_suffix(dotted.size() - 1);  // "agent." stays
      }
    }
    size_t dot = key.rfind('.');
    if (dot == std::string_view::npos) continue;
    std::string_view parent = key.substr(0, dot);
    bool element = parent.size() > 2 && parent.substr(parent.size() - 2) == "[]";
    if (element) parent.remove_suffix(2);
    const OptionSpec* p = FindOption(parent);
    ASSERT_NE(nullptr, p) << o.key << " has no parent " << parent;
    EXPECT_EQ(element ? OptionType::kArray : OptionType::kObject, p->type) << o.key;
  }
}

TEST(OptionsTest, FindOptionFindsExactKeysOnly) {
  const OptionSpec* o = FindOption("logs.logs_collected.files.collect_list[].file_path");
  ASSERT_NE(nullptr, o);
  EXPECT_EQ(OptionType::kString, o->type);
  EXPECT_EQ(OptionUse::kUsed, o->use);
  EXPECT_EQ(nullptr, FindOption("logs.logs_collected.files.collect_list[0].file_path"));
  EXPECT_EQ(nullptr, FindOption("file_path"));
  EXPECT_EQ(nullptr, FindOption("logs."));
  EXPECT_EQ(nullptr, FindOption(""));
}

TEST(OptionsTest, UsedScalarOptionsAreStoredSomewhere) {
  for (const OptionSpec& o : AllOptions()) {
    if (o.use == OptionUse::kIgnored || o.type == OptionType::kObject ||
        o.type == OptionType::kArray || o.type == OptionType::kAny) {
      continue;
    }
    if (o.use == OptionUse::kNotYet) continue;
    EXPECT_FALSE(std::holds_alternative<std::monostate>(o.field)) << o.key;
  }
}

TEST(OptionsTest, DocumentedDefaultsMatchTheConfigDefaults) {
  const Config config;
  const FileEntry entry;
  for (const OptionSpec& o : AllOptions()) {
    if (auto f = std::get_if<int64_t Config::*>(&o.field)) {
      EXPECT_EQ(std::to_string(config.**f), o.default_text) << o.key;
    } else if (auto f = std::get_if<bool Config::*>(&o.field)) {
      EXPECT_EQ(config.**f ? "true" : "false", o.default_text) << o.key;
    } else if (auto f = std::get_if<int64_t FileEntry::*>(&o.field)) {
      EXPECT_EQ(std::to_string(entry.**f), o.default_text) << o.key;
    } else if (auto f = std::get_if<bool FileEntry::*>(&o.field)) {
      EXPECT_EQ(entry.**f ? "true" : "false", o.default_text) << o.key;
    }
  }
  EXPECT_EQ(config.state_dir, FindOption("edgelog.state_dir")->default_text);
}

TEST(OptionsTest, TypeNamesAreLowerCaseWords) {
  EXPECT_STREQ("string", TypeName(OptionType::kString));
  EXPECT_STREQ("integer", TypeName(OptionType::kInteger));
  EXPECT_STREQ("boolean", TypeName(OptionType::kBoolean));
  EXPECT_STREQ("object", TypeName(OptionType::kObject));
  EXPECT_STREQ("array", TypeName(OptionType::kArray));
  EXPECT_STREQ("any", TypeName(OptionType::kAny));
}

TEST(OptionsTest, CloudWatchAgentSectionsOutsideLogsAreIgnoredNotUnknown) {
  for (const char* key : {"metrics", "traces"}) {
    const OptionSpec* o = FindOption(key);
    ASSERT_NE(nullptr, o) << key;
    EXPECT_EQ(OptionUse::kIgnored, o->use) << key;
  }
}

}  // namespace
}  // namespace edgelog
