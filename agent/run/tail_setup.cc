#include "agent/run/tail_setup.h"

#include <algorithm>

#include "agent/journal/journal_filters.h"
#include "agent/text/ascii.h"
#include "agent/text/charset.h"
#include "agent/text/regex.h"

namespace edgelog {
namespace {

constexpr const char* kTimestampPlaceholder = "{timestamp_format}";

TimeZoneMode ZoneOf(const std::string& timezone) {
  std::string lower = timezone;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "utc" ? TimeZoneMode::kUtc : TimeZoneMode::kLocal;
}

// Compiles one entry's rules; each problem becomes a line in *errors.
std::shared_ptr<EntryRules> CompileRules(const FileEntry& e, const std::string& where,
                                         const UtcOffsetFn& local_offset,
                                         std::string* errors) {
  auto fail = [&](const std::string& key, const std::string& reason) {
    *errors += where + "." + key + ": " + EscapeControls(reason) + "\n";
  };
  auto rules = std::make_shared<EntryRules>();
  if (!e.timestamp_format.empty()) {
    auto format = TimestampFormat::Compile(e.timestamp_format, ZoneOf(e.timezone), local_offset);
    if (format.ok()) {
      rules->timestamp = std::move(*format);
    } else {
      fail("timestamp_format", format.status().message());
    }
  }
  rules->trim_timestamp = e.trim_timestamp;
  if (e.multi_line_start_pattern == kTimestampPlaceholder) {
    rules->start_rule = EntryRules::StartRule::kTimestamp;
    if (e.timestamp_format.empty()) {
      fail("multi_line_start_pattern", "{timestamp_format} needs a timestamp_format");
    }
  } else if (!e.multi_line_start_pattern.empty()) {
    auto re = CompileRegex(e.multi_line_start_pattern);
    if (re.ok()) {
      rules->start_rule = EntryRules::StartRule::kPattern;
      rules->start_pattern = std::move(*re);
    } else {
      fail("multi_line_start_pattern", re.status().message());
    }
  }
  std::vector<FilterSpec> specs;
  for (size_t i = 0; i < e.filters.size(); ++i) {
    const FileFilter& f = e.filters[i];
    FilterSpec spec{f.type == "exclude" ? FilterType::kExclude : FilterType::kInclude,
                    f.expression};
    if (auto one = Filters::Compile({spec}); !one.ok()) {
      fail("filters[" + std::to_string(i) + "].expression", one.status().message());
    }
    specs.push_back(std::move(spec));
  }
  if (auto filters = Filters::Compile(specs); filters.ok()) rules->filters = std::move(*filters);
  return rules;
}

}  // namespace

StatusOr<std::vector<TailEntry>> BuildTailEntries(const Config& config,
                                                  const UtcOffsetFn& local_offset) {
  std::vector<TailEntry> entries;
  std::string errors;
  for (size_t i = 0; i < config.files.size(); ++i) {
    const FileEntry& e = config.files[i];
    std::string where = config.source_path + ": logs.logs_collected.files.collect_list[" +
                        std::to_string(i) + "]";
    TailEntry entry;
    entry.pattern = e.file_path;
    entry.encoding = e.encoding;
    // Group names hold no ':', so "group:stream" names one destination;
    // stream names hold none either, so ":*" (a stream per file, named
    // after it) sets a publish_multi_logs entry apart.
    entry.key = e.log_group_name + ":" + e.log_stream_name + (e.publish_multi_logs ? ":*" : "");
    entry.matches = e.publish_multi_logs ? MatchPolicy::kEveryMatch : MatchPolicy::kNewestMatch;
    if (auto charset = Charset::Find(e.encoding); !charset.ok()) {
      errors += where + ".encoding: " + EscapeControls(charset.status().message()) + "\n";
    }
    if (!e.blacklist.empty()) {
      auto re = CompileRegex(e.blacklist);
      if (re.ok()) {
        entry.blacklist = std::move(*re);
      } else {
        errors += where + ".blacklist: " + EscapeControls(re.status().message()) + "\n";
      }
    }
    entry.rules = CompileRules(e, where, local_offset, &errors);
    entries.push_back(std::move(entry));
  }
  // journald entries' filters are compiled when their journal starts; a
  // bad one is a config error here, as for files.
  for (size_t i = 0; i < config.journals.size(); ++i) {
    for (size_t k = 0; k < config.journals[i].filters.size(); ++k) {
      auto one = JournalFilters::Compile({config.journals[i].filters[k]});
      if (!one.ok()) {
        errors += config.source_path + ": logs.logs_collected.journald.collect_list[" +
                  std::to_string(i) + "].filters[" + std::to_string(k) +
                  "].expression: " + EscapeControls(one.status().message()) + "\n";
      }
    }
  }
  if (!errors.empty()) {
    errors.pop_back();
    return Status::InvalidArgument(errors);
  }
  return entries;
}

size_t OpenFilesAllowed(uint64_t limit, int64_t max_open_files, int64_t max_in_flight) {
  uint64_t wanted = static_cast<uint64_t>(std::max<int64_t>(1, max_open_files));
  if (limit == 0) return static_cast<size_t>(wanted);
  uint64_t kept = std::max<uint64_t>(kDescriptorsKept + static_cast<uint64_t>(max_in_flight),
                                     limit / 8);
  uint64_t room = limit > kept ? limit - kept : 1;
  return static_cast<size_t>(std::max<uint64_t>(1, std::min(wanted, room)));
}

}  // namespace edgelog
