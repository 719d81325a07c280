#include "agent/tail/timestamp_format.h"

#include <re2/re2.h>

#include <cstddef>
#include <utility>
#include <vector>

// Sources for the behaviour copied from the CloudWatch agent
// (github.com/aws/amazon-cloudwatch-agent):
//   translator/translate/logs/logs_collected/files/collect_list/
//     ruleTimestampFormat.go   directive -> regexp and Go layout tables
//   plugins/inputs/logfile/fileconfig.go
//     timestampFromLogLine     first match anywhere; %f cut to 3 digits
//     isMultilineStart         unanchored match of the same regexp

namespace edgelog {
namespace timestamp_internal {

// What one directive's capturing group holds. kMonthName is abbreviated or
// full; kWeekday is matched but, as in Go's time.Parse, never checked.
enum class Field : uint8_t {
  kYear,
  kYear2,
  kMonth,
  kMonthName,
  kDay,
  kWeekday,
  kHour24,
  kHour12,
  kAmPm,
  kMinute,
  kSecond,
  kFraction,
  kZoneName,
  kZoneOffset
};

}  // namespace timestamp_internal

using timestamp_internal::Field;

struct TimestampFormat::Compiled {
  std::string pattern;
  std::unique_ptr<re2::RE2> regex;
  std::vector<Field> fields;  // fields[i] is what group i + 1 holds
  bool has_year = false;
  bool has_date = false;  // a month or a day of the month
};

namespace {

constexpr int64_t kSecondsPerDay = 24 * 3600;

struct Directive {
  std::string_view name;  // as written in the format
  Field field;
  std::string_view regex;  // what the group matches
  // May follow one extra space ("Jun  5"), as the agent's Go layout "_2"
  // allows; not when the directive starts the format (the agent trims it).
  bool space_padded;
};

// The agent's TimeFormatRexMap, with names spelled out instead of \w{3}.
constexpr Directive kDirectives[] = {
    {"%Y", Field::kYear, R"(\d{4})", false},
    {"%y", Field::kYear2, R"(\d{2})", false},
    {"%b", Field::kMonthName,
     "(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", false},
    {"%B", Field::kMonthName,
     "(?i:january|february|march|april|may|june|july|august|september|"
     "october|november|december)",
     false},
    {"%m", Field::kMonth, R"(\d{1,2})", true},
    {"%-m", Field::kMonth, R"(\d{1,2})", true},
    {"%d", Field::kDay, R"(\d{1,2})", true},
    {"%-d", Field::kDay, R"(\d{1,2})", true},
    {"%a", Field::kWeekday, "(?i:mon|tue|wed|thu|fri|sat|sun)", false},
    {"%A", Field::kWeekday,
     "(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)", false},
    {"%H", Field::kHour24, R"(\d{2})", false},
    {"%I", Field::kHour12, R"(\d{2})", false},
    {"%-I", Field::kHour12, R"(\d{1,2})", false},
    {"%p", Field::kAmPm, "(?i:am|pm)", false},
    {"%M", Field::kMinute, R"(\d{2})", false},
    {"%-M", Field::kMinute, R"(\d{1,2})", false},
    {"%S", Field::kSecond, R"(\d{2})", false},
    {"%-S", Field::kSecond, R"(\d{1,2})", false},
    {"%f", Field::kFraction, R"(\d{1,9})", false},
    {"%Z", Field::kZoneName, "[A-Z]{3,5}", false},
    {"%z", Field::kZoneOffset, R"([+-]\d{2}:?\d{2}|Z)", false},
};

constexpr std::string_view kMonthNames[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

// Abbreviations %Z resolves on its own, in seconds east of UTC. Left out on
// purpose, so that the configured timezone decides: CST (US Central, China,
// Cuba), IST (India, Ireland, Israel), AST (Atlantic, Arabia). The agent
// asks the host's zone instead, and reads any name it does not know as UTC.
struct ZoneAbbreviation {
  std::string_view name;
  int32_t offset_seconds;
};
constexpr ZoneAbbreviation kZoneAbbreviations[] = {
    {"UTC", 0},          {"GMT", 0},          {"WET", 0},
    {"WEST", 3600},      {"BST", 3600},       {"CET", 3600},
    {"CEST", 7200},      {"EET", 7200},       {"EEST", 10800},
    {"MSK", 10800},      {"EST", -5 * 3600},  {"EDT", -4 * 3600},
    {"CDT", -5 * 3600},  {"MST", -7 * 3600},  {"MDT", -6 * 3600},
    {"PST", -8 * 3600},  {"PDT", -7 * 3600},  {"AKST", -9 * 3600},
    {"AKDT", -8 * 3600}, {"HST", -10 * 3600}, {"JST", 9 * 3600},
    {"KST", 9 * 3600},   {"HKT", 8 * 3600},   {"SGT", 8 * 3600},
    {"AWST", 8 * 3600},  {"ACST", 34200},     {"ACDT", 37800},
    {"AEST", 10 * 3600}, {"AEDT", 11 * 3600}, {"NZST", 12 * 3600},
    {"NZDT", 13 * 3600},
};

const Directive* FindDirective(std::string_view name) {
  for (const Directive& d : kDirectives) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::string SupportedDirectives() {
  std::string list;
  for (const Directive& d : kDirectives) {
    list += d.name;
    list += ' ';
  }
  return list + "%%";
}

// Appends `c` to a regular expression so that it matches only itself.
void AppendLiteral(char c, std::string* pattern) {
  const unsigned char u = static_cast<unsigned char>(c);
  if (u < 0x20 || u == 0x7f) {
    static constexpr char kHex[] = "0123456789abcdef";
    *pattern += "\\x{";
    *pattern += kHex[u >> 4];
    *pattern += kHex[u & 0xf];
    *pattern += '}';
    return;
  }
  if (std::string_view(R"(\.^$|?*+()[]{})").find(c) != std::string_view::npos) {
    *pattern += '\\';
  }
  *pattern += c;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool IsLeapYear(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days from 1970-01-01 to `year`-`month`-`day` (proleptic Gregorian).
int64_t DaysFromCivil(int64_t year, int month, int day) {
  static constexpr int kDaysBeforeMonth[12] = {0,   31,  59,  90,  120, 151,
                                               181, 212, 243, 273, 304, 334};
  // Days from 0001-01-01 to January 1st of `y`.
  auto days_before_year = [](int64_t y) {
    const int64_t p = y - 1;
    return p * 365 + FloorDiv(p, 4) - FloorDiv(p, 100) + FloorDiv(p, 400);
  };
  int64_t days = days_before_year(year) - days_before_year(1970) +
                 kDaysBeforeMonth[month - 1] + day - 1;
  if (month > 2 && IsLeapYear(year)) ++days;
  return days;
}

struct CivilDate {
  int64_t year;
  int month;
  int day;
};

// The inverse of DaysFromCivil.
CivilDate CivilFromDays(int64_t days) {
  int64_t year = 1970 + FloorDiv(days * 400, 146097);  // days in 400 years
  while (DaysFromCivil(year, 1, 1) > days) --year;
  while (DaysFromCivil(year + 1, 1, 1) <= days) ++year;
  int month = 12;
  while (DaysFromCivil(year, month, 1) > days) --month;
  return {year, month,
          static_cast<int>(days - DaysFromCivil(year, month, 1)) + 1};
}

int Number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? a[i] - 'A' + 'a' : a[i];
    const char y = b[i] >= 'A' && b[i] <= 'Z' ? b[i] - 'A' + 'a' : b[i];
    if (x != y) return false;
  }
  return true;
}

// 1..12 for "Jan" or "january" in any case; 0 for anything else.
int MonthFromName(std::string_view name) {
  for (int i = 0; i < 12; ++i) {
    const std::string_view full = kMonthNames[i];
    if (name.size() == 3 || name.size() == full.size()) {
      if (EqualsIgnoreCase(name, full.substr(0, name.size()))) return i + 1;
    }
  }
  return 0;
}

// What the groups of one match said.
struct Parsed {
  int64_t year = 0;
  int month = 1;
  int day = 1;
  int hour = 0;
  int hour12 = 0;  // 1..12 when the hour came from %I
  std::optional<bool> pm;
  int minute = 0;
  int second = 0;
  int millis = 0;
  std::optional<int64_t> numeric_offset;  // from %z, seconds east of UTC
  std::optional<int64_t> named_offset;    // from a known %Z abbreviation

  int HourOfDay() const {
    if (hour12 == 0) return hour;
    if (!pm.has_value()) return hour12;  // no %p: as written (Go)
    return hour12 % 12 + (*pm ? 12 : 0);
  }
};

// Records the text of one group; false when it is out of range.
bool Apply(Field field, std::string_view text, Parsed* p) {
  switch (field) {
    case Field::kYear:
      p->year = Number(text);
      return true;
    case Field::kYear2: {
      const int yy = Number(text);  // POSIX strptime, Python and Go agree
      p->year = yy >= 69 ? 1900 + yy : 2000 + yy;
      return true;
    }
    case Field::kMonth:
      p->month = Number(text);
      return p->month >= 1 && p->month <= 12;
    case Field::kMonthName:
      p->month = MonthFromName(text);
      return p->month != 0;
    case Field::kDay:
      p->day = Number(text);
      return p->day >= 1 && p->day <= 31;
    case Field::kWeekday:
      return true;
    case Field::kHour24:
      p->hour = Number(text);
      p->hour12 = 0;
      return p->hour <= 23;
    case Field::kHour12:
      p->hour12 = Number(text);
      return p->hour12 >= 1 && p->hour12 <= 12;
    case Field::kAmPm:
      p->pm = text[0] == 'p' || text[0] == 'P';
      return true;
    case Field::kMinute:
      p->minute = Number(text);
      return p->minute <= 59;
    case Field::kSecond:
      p->second = Number(text);
      return p->second <= 59;  // Go's time.Parse refuses leap seconds too
    case Field::kFraction: {
      // Milliseconds: the first three digits, ".5" being 500 (the agent).
      std::string digits(text.substr(0, 3));
      digits.resize(3, '0');
      p->millis = Number(digits);
      return true;
    }
    case Field::kZoneName:
      for (const ZoneAbbreviation& z : kZoneAbbreviations) {
        if (z.name == text) p->named_offset = z.offset_seconds;
      }
      return true;
    case Field::kZoneOffset: {
      if (text == "Z") {
        p->numeric_offset = 0;
        return true;
      }
      const std::string_view minutes = text.substr(text.size() - 2);
      const int hours = Number(text.substr(1, 2));
      const int mins = Number(minutes);
      if (hours > 23 || mins > 59) return false;
      const int64_t offset = hours * 3600 + mins * 60;
      p->numeric_offset = text[0] == '-' ? -offset : offset;
      return true;
    }
  }
  return false;
}

// The Unix time of a civil (wall-clock) time, given the UTC offset in force
// at any instant. As Go's time.Date: take the offset at the civil time read
// as UTC; if the instant that gives lies under another offset, use that one.
template <typename OffsetAt>
int64_t ToUnixSeconds(int64_t civil_seconds, const OffsetAt& offset_at) {
  const int64_t guess = offset_at(civil_seconds);
  return civil_seconds - offset_at(civil_seconds - guess);
}

}  // namespace

TimestampFormat::TimestampFormat(std::shared_ptr<const Compiled> compiled,
                                 TimeZoneMode zone, UtcOffsetFn local_offset)
    : compiled_(std::move(compiled)),
      zone_(zone),
      local_offset_(std::move(local_offset)) {}

StatusOr<TimestampFormat> TimestampFormat::Compile(std::string_view format,
                                                   TimeZoneMode zone,
                                                   UtcOffsetFn local_offset) {
  if (format.empty())
    return Status::InvalidArgument("timestamp_format is empty");
  if (zone == TimeZoneMode::kLocal && !local_offset) {
    return Status::InvalidArgument(
        "timezone Local needs a function giving the local UTC offset");
  }
  const std::string quoted = "timestamp_format \"" + std::string(format) + "\"";
  auto compiled = std::make_shared<Compiled>();
  std::string& pattern = compiled->pattern;
  size_t i = 0;
  while (i < format.size()) {
    if (format[i] != '%') {
      AppendLiteral(format[i++], &pattern);
      continue;
    }
    if (format.substr(i, 2) == "%%") {
      AppendLiteral('%', &pattern);
      i += 2;
      continue;
    }
    const size_t length = format.substr(i, 2) == "%-" ? 3 : 2;
    if (i + length > format.size()) {
      return Status::InvalidArgument(quoted +
                                     " ends in an incomplete directive \"" +
                                     std::string(format.substr(i)) + "\"");
    }
    const std::string_view name = format.substr(i, length);
    const Directive* directive = FindDirective(name);
    if (directive == nullptr) {
      return Status::InvalidArgument(
          quoted + ": unsupported directive " + std::string(name) +
          " (supported: " + SupportedDirectives() + ")");
    }
    if (directive->space_padded && i > 0) pattern += "[ ]?";
    pattern += '(';
    pattern += directive->regex;
    pattern += ')';
    const Field field = directive->field;
    compiled->fields.push_back(field);
    compiled->has_year |= field == Field::kYear || field == Field::kYear2;
    compiled->has_date |= field == Field::kMonth ||
                          field == Field::kMonthName || field == Field::kDay;
    i += length;
  }

  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingLatin1);  // bytes, any text
  options.set_log_errors(false);
  compiled->regex = std::make_unique<re2::RE2>(pattern, options);
  if (!compiled->regex->ok()) {
    return Status::InvalidArgument(
        quoted + " compiles to a bad expression: " + compiled->regex->error());
  }
  return TimestampFormat(std::move(compiled), zone, std::move(local_offset));
}

std::optional<int64_t> TimestampFormat::Find(std::string_view text,
                                             int64_t now_ms) const {
  std::optional<Found> found = FindWithSpan(text, now_ms);
  if (!found) return std::nullopt;
  return found->unix_ms;
}

std::optional<TimestampFormat::Found> TimestampFormat::FindWithSpan(std::string_view text,
                                                                    int64_t now_ms) const {
  const Compiled& c = *compiled_;
  std::vector<re2::StringPiece> groups(c.fields.size() + 1);
  if (!c.regex->Match(re2::StringPiece(text.data(), text.size()), 0,
                      text.size(), re2::RE2::UNANCHORED, groups.data(),
                      static_cast<int>(groups.size()))) {
    return std::nullopt;
  }
  const size_t begin = static_cast<size_t>(groups[0].data() - text.data());
  const size_t end = begin + groups[0].size();
  auto found = [&](std::optional<int64_t> ms) -> std::optional<Found> {
    if (!ms) return std::nullopt;
    return Found{*ms, begin, end};
  };
  Parsed p;
  for (size_t i = 0; i < c.fields.size(); ++i) {
    const re2::StringPiece& g = groups[i + 1];
    if (!Apply(c.fields[i], std::string_view(g.data(), g.size()), &p)) {
      return std::nullopt;
    }
  }

  std::optional<int64_t> fixed =
      p.numeric_offset ? p.numeric_offset : p.named_offset;
  if (!fixed && zone_ == TimeZoneMode::kUtc) fixed = 0;
  auto offset_at = [&](int64_t unix_seconds) {
    return fixed ? *fixed : local_offset_(unix_seconds);
  };
  const int64_t second_of_day =
      p.HourOfDay() * int64_t{3600} + p.minute * 60 + p.second;
  // The instant of the parsed time on `year`-`month`-`day`, if that exists.
  auto instant_ms = [&](int64_t year, int month,
                        int day) -> std::optional<int64_t> {
    if (day > DaysInMonth(year, month)) return std::nullopt;
    const int64_t civil =
        DaysFromCivil(year, month, day) * kSecondsPerDay + second_of_day;
    return ToUnixSeconds(civil, offset_at) * 1000 + p.millis;
  };
  if (c.has_year) return found(instant_ms(p.year, p.month, p.day));

  const int64_t now_s = FloorDiv(now_ms, 1000);
  const int64_t today = FloorDiv(now_s + offset_at(now_s), kSecondsPerDay);
  const CivilDate date = CivilFromDays(today);
  if (c.has_date) {
    const auto this_year = instant_ms(date.year, p.month, p.day);
    if (this_year && *this_year <= now_ms + kYearlessFutureToleranceMs) {
      return found(this_year);
    }
    return found(instant_ms(date.year - 1, p.month, p.day));
  }
  const auto on_today = instant_ms(date.year, date.month, date.day);
  if (on_today && *on_today <= now_ms + kDatelessFutureToleranceMs) {
    return found(on_today);
  }
  const CivilDate yesterday = CivilFromDays(today - 1);
  return found(instant_ms(yesterday.year, yesterday.month, yesterday.day));
}

bool TimestampFormat::MatchesAtStart(std::string_view text) const {
  return compiled_->regex->Match(re2::StringPiece(text.data(), text.size()), 0,
                                 text.size(), re2::RE2::ANCHOR_START, nullptr,
                                 0);
}

bool TimestampFormat::MatchesAnywhere(std::string_view text) const {
  return compiled_->regex->Match(re2::StringPiece(text.data(), text.size()), 0,
                                 text.size(), re2::RE2::UNANCHORED, nullptr, 0);
}

const std::string& TimestampFormat::pattern() const {
  return compiled_->pattern;
}

}  // namespace edgelog
