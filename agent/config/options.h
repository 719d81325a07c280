// The configuration options, declared once: key, type, default, check and
// one line of documentation each. The loader, `check-config` and the
// README's option reference all come from this table.
#ifndef EDGELOG_AGENT_CONFIG_OPTIONS_H_
#define EDGELOG_AGENT_CONFIG_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/config/config.h"

struct cJSON;

namespace edgelog {

enum class OptionType { kString, kInteger, kBoolean, kObject, kArray, kAny };

enum class OptionUse {
  kUsed,     // edgelog applies it
  kIgnored,  // a CloudWatch agent key with no meaning for edgelog: accepted
  kNotYet,   // accepted with a warning: this version does not apply it yet
};

// Where a value is stored: a member of Config, of the current FileEntry, or
// nowhere (objects, arrays, ignored keys).
using OptionField =
    std::variant<std::monostate, std::string Config::*, int64_t Config::*,
                 bool Config::*, std::string FileEntry::*, int64_t FileEntry::*,
                 bool FileEntry::*, std::string JournalEntry::*,
                 int64_t JournalEntry::*, std::string FileFilter::*>;

// Checks a value of the right type; returns "" or the reason it is wrong.
using OptionCheck = std::string (*)(const cJSON* value);

struct OptionSpec {
  std::string_view key;  // dotted path; "[]" marks the elements of an array
  OptionType type;
  OptionUse use;
  std::string_view default_text;
  std::string_view doc;
  OptionField field = {};
  OptionCheck check = nullptr;
};

// Every option, in documentation order.
const std::vector<OptionSpec>& AllOptions();

// The option with exactly this key (array indexes written as "[]"), or null.
const OptionSpec* FindOption(std::string_view key);

// The syslog level of a journald `priority` (emerg 0 .. debug 7, or the
// digit itself), or -1 when it is neither.
int JournalPriorityLevel(std::string_view name);

// Where edgelog deliberately does otherwise than the CloudWatch agent with
// the option `key` (array indexes as "[]"): one sentence, or "" when it
// does the same. check-config and run warn with it where the key is set.
std::string_view DifferenceFromTheAgent(std::string_view key);

// Human name of a type: "string", "integer", ...
const char* TypeName(OptionType type);

// The option reference as a Markdown table (for the README and --help).
std::string OptionsMarkdown();

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CONFIG_OPTIONS_H_
