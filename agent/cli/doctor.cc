#include "agent/cli/doctor.h"

#include <algorithm>
#include <string>
#include <vector>

#include "agent/aws/aws_error.h"
#include "agent/aws/credentials.h"
#include "agent/aws/creds/refresher.h"
#include "agent/cli/aws_setup.h"
#include "agent/cli/setup.h"
#include "agent/io/state_dir.h"
#include "agent/journal/journalctl_args.h"
#include "agent/run/agent_loop.h"
#include "agent/send/classify.h"
#include "agent/send/clock_skew.h"
#include "agent/send/group_setup.h"
#include "agent/send/logs_api.h"
#include "agent/text/json_escape.h"
#include "platform/process.h"

namespace edgelog {
namespace {

// Prints one line per step: "  ok    what   detail", and under a failure
// "        fix: ...". Every line passes `secrets`' Redact: details quote
// child processes and endpoints, which may quote the credentials.
// `out` and `secrets` must outlive the report.
class Report {
 public:
  Report(std::FILE* out, const Logger& secrets) : out_(out), secrets_(secrets) {}
  void Ok(const std::string& step, const std::string& detail) { Line("ok", step, detail); }
  // A step not taken, and why; not a failure.
  void Skip(const std::string& step, const std::string& why) { Line("skip", step, why); }
  void Warn(const std::string& step, const std::string& detail, const std::string& fix) {
    Line("warn", step, detail);
    if (!fix.empty()) Under("note: " + fix);
  }
  void Fail(const std::string& step, const std::string& detail, const std::string& fix) {
    Line("FAIL", step, detail);
    if (!fix.empty()) Under("fix: " + fix);
    ++failures_;
  }
  int failures() const { return failures_; }

 private:
  void Line(const char* verdict, const std::string& step, const std::string& detail) {
    std::fprintf(out_, "  %-5s %-12s %s\n", verdict, step.c_str(),
                 secrets_.Redact(detail).c_str());
  }
  void Under(const std::string& text) {
    std::fprintf(out_, "        %-12s %s\n", "", secrets_.Redact(text).c_str());
  }
  std::FILE* out_;
  const Logger& secrets_;
  int failures_ = 0;
};

bool Has(const std::string& text, const char* what) {
  return text.find(what) != std::string::npos;
}

// The likely cause of a refusal by AWS, from its error code, in one sentence.
std::string FixForRefusal(const std::string& text) {
  if (Has(text, "InvalidClientTokenId") || Has(text, "UnrecognizedClient")) {
    return "AWS does not know this access key id: it was deleted or deactivated, or belongs "
           "to another partition; create a new access key for the user or role";
  }
  if (Has(text, "SignatureDoesNotMatch") || Has(text, "IncompleteSignature") ||
      (Has(text, "InvalidSignatureException") && !Has(text, "Signature expired"))) {
    return "the secret access key does not match the access key id: copy the secret again "
           "(whole, without spaces) or create a new key";
  }
  if (Has(text, "ExpiredToken")) {
    return "the session token expired: fetch new temporary credentials (or let edgelog use "
           "a source it can refresh, such as a profile or the instance role)";
  }
  if (Has(text, "Signature expired") || Has(text, "SignatureExpired") ||
      Has(text, "RequestExpired") || Has(text, "RequestTimeTooSkewed")) {
    return "the system clock is off by more than 5 minutes: synchronise it (chrony, NTP)";
  }
  if (Has(text, "AccessDenied") || Has(text, "NotAuthorized")) {
    return "the credentials are valid but not allowed to do this: grant the role or user "
           "logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents (and "
           "logs:PutRetentionPolicy, logs:DescribeLogStreams), or sts:AssumeRole on the role";
  }
  return "";
}

std::string FixForCredentials(const Status& s) {
  if (s.code() == Code::kNotFound) {
    return "give edgelog credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile "
           "in ~/.aws/credentials, or an IAM role attached to the instance or task";
  }
  return FixForRefusal(s.message());
}

// One CloudWatch Logs call, synchronously, signed with AWS's time by `skew`.
HttpResponse CallLogs(BlockingHttp& http, const LogsRequestContext& context, LogsOperation op,
                      const std::string& body, const Credentials& credentials,
                      const ClockSkew& skew, Clock& clock) {
  HttpRequest r = BuildLogsRequest(context, op, body, BodyEncoding::kIdentity, credentials,
                                   skew.AwsNowMs(clock.NowUnixMillis()) / 1000);
  BlockingRequest b;
  b.method = r.method;
  b.url = r.url;
  b.headers = r.headers;
  b.body = std::string(r.body);
  b.connect_timeout_ms = 5000;
  b.timeout_ms = 15000;
  return http.Do(b);
}

// Drives `setup` to its end with one call at a time, as the sender does
// without blocking. A transient failure is tried again at once (GroupSetup
// bounds how often); a group that cannot be created ends it (the put that
// follows says why).
void RunGroupSetup(GroupSetup* setup, BlockingHttp& http, const LogsRequestContext& context,
                   const Credentials& credentials, const ClockSkew& skew, Clock& clock) {
  while (!setup->done()) {
    bool creating = setup->operation() == LogsOperation::kCreateLogGroup;
    HttpResponse r = CallLogs(http, context, setup->operation(), setup->Body(), credentials,
                              skew, clock);
    if (setup->OnAnswer(Classify(r), r.body) == GroupSetup::Next::kRetry && creating) return;
  }
}

std::string Describe(const HttpResponse& r) {
  Classification c = Classify(r);
  if (r.transport_error != TransportError::kNone) return c.code + ": " + c.detail;
  std::string out = "HTTP " + std::to_string(r.status);
  if (!c.code.empty()) out += " " + c.code;
  if (!c.detail.empty()) out += ": " + c.detail;
  return out;
}

std::string PutOneEventBody(const LogStreamTarget& t, int64_t now_ms, const std::string& host) {
  std::string out = "{\"logGroupName\":";
  AppendJsonString(t.group, &out);
  out += ",\"logStreamName\":";
  AppendJsonString(t.stream, &out);
  out += ",\"logEvents\":[{\"timestamp\":" + std::to_string(now_ms) + ",\"message\":";
  AppendJsonString("edgelog doctor: write test from " + host, &out);
  out += "}]}";
  return out;
}

// The state directory, as `edgelog run` would check it before starting.
void CheckState(Env& env, const std::string& dir, Report* report) {
  auto check = CheckStateDir(env, dir);
  if (check.ok()) {
    report->Ok("state dir", *check == StateDirCheck::kReady
                                ? dir + " (kept private)"
                                : dir + " does not exist yet (edgelog creates it, mode 0700)");
    return;
  }
  // Its messages end with the fix: "...: chmod 0700 DIR".
  const std::string& message = check.status().message();
  const size_t colon = message.rfind(": ");
  if (colon == std::string::npos) {
    report->Fail("state dir", message, "");
  } else {
    report->Fail("state dir", message.substr(0, colon), message.substr(colon + 2));
  }
}

// How long journalctl may take to answer, and how much of its output is read.
constexpr int64_t kJournalCheckMs = 10000;
constexpr size_t kJournalCheckOutput = 64 << 10;

// `word` as one word of /bin/sh.
std::string ShellWord(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The journal, as a run reads it: journalctl there, and each journald
// entry's selection read once (its latest entry, without following).
void CheckJournal(const Config& config, Env& env, Report* report) {
  if (config.journals.empty()) return;
  std::unique_ptr<ProcessRunner> runner = NewShellProcessRunner();
  auto version = runner->Run(std::string(kJournalctl) + " --version", kJournalCheckMs, 4096);
  if (!version.ok()) {
    bool missing = Has(version.status().message(), "status 127");
    report->Fail("journal", "journalctl --version: " + version.status().message(),
                 missing ? kJournalctlInstallFix : kJournalAccessFix);
    return;
  }
  std::string systemd = version->substr(0, version->find('\n'));
  const std::string where = config.journald_directory.empty()
                                ? "the system journal"
                                : config.journald_directory + " (edgelog.journald.directory)";
  for (size_t i = 0; i < config.journals.size(); ++i) {
    const JournalEntry& entry = config.journals[i];
    std::string command;
    for (std::string word : JournalctlArgs(entry, {config.journald_directory, "", false})) {
      if (word.rfind("--lines=", 0) == 0) word = "--lines=1";
      command += (command.empty() ? "" : " ") + ShellWord(word);
    }
    std::string units;
    for (const std::string& u : entry.units) units += (units.empty() ? "" : ", ") + u;
    const std::string name = "journald entry " + std::to_string(i) + " (" +
                             (units.empty() ? "every unit" : "units " + units) + ", to " +
                             entry.log_group_name + ")";
    auto latest = runner->Run(command, kJournalCheckMs, kJournalCheckOutput);
    if (!latest.ok()) {
      std::string message = latest.status().message();  // "the command exited ..."
      if (message.rfind("the command ", 0) == 0) message.replace(0, 11, "journalctl");
      report->Fail("journal", name + ": " + message, kJournalAccessFix);
    } else if (latest->find_first_not_of(" \n") == std::string::npos) {
      std::string fix = "a run sends what is written from now on";
      if (env.UserId() != 0 && config.journald_directory.empty()) {
        fix += "; edgelog runs as uid " + std::to_string(env.UserId()) +
               ": only root and members of the groups systemd-journal and adm read the "
               "whole system journal";
      }
      report->Warn("journal", name + ": no entry in " + where + " matches yet", fix);
    } else {
      report->Ok("journal", name + ": its entries are read from " + where + " (" + systemd +
                                ")");
    }
  }
}

}  // namespace

std::string ReasonToSkipIdentity(const Endpoint& logs, Env& env) {
  if (!IsLoopbackHost(logs.host)) return "";
  for (const char* name : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
    std::optional<std::string> value = env.GetVar(name);
    if (value && !value->empty()) return "";
  }
  return "the logs endpoint is local and no STS endpoint is set (AWS_ENDPOINT_URL_STS)";
}

int DoctorCommand(const CommandLine& cl, Host& host) {
  std::FILE* out = host.out;
  std::fprintf(out, "edgelog doctor: %s\n", cl.config_path.c_str());
  auto quiet = NewStderrLogger(false);
  AwsServices aws(host.env, host.clock, UserAgent());
  Setup setup;
  if (int rc = Prepare(cl, host, *quiet, aws, &setup); rc != kExitOk) return rc;
  Report report(out, *quiet);
  std::vector<LogStreamTarget> targets;
  for (const FileEntry& e : setup.config.files) {
    if (e.log_group_name.empty()) continue;  // a group per file (publish_multi_logs)
    LogStreamTarget t{e.log_group_name, e.log_stream_name,
                      static_cast<int>(e.retention_in_days), e.log_group_class};
    if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
  }
  for (const JournalEntry& j : setup.config.journals) {
    LogStreamTarget t{j.log_group_name, j.log_stream_name,
                      static_cast<int>(j.retention_in_days), j.log_group_class};
    if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
  }
  std::string journals = setup.config.journals.empty()
                             ? ""
                             : std::to_string(setup.config.journals.size()) +
                                   " journald entries, ";
  report.Ok("config", std::to_string(setup.config.files.size()) + " file entries, " + journals +
                          std::to_string(targets.size()) + " log streams");
  report.Ok("region", setup.region.name + " (from " + setup.region.source + ")");
  std::string trust;
  if (setup.endpoint.url.rfind("https://", 0) == 0) {
    trust = setup.ca_bundle.path.empty()
                ? "; no CA bundle found"
                : "; CAs from " + setup.ca_bundle.path + " (" + setup.ca_bundle.source + ")";
  }
  report.Ok("endpoint", setup.endpoint.url + " (from " + setup.endpoint.source + ")" + trust);

  CheckState(host.env, setup.config.state_dir, &report);
  CheckJournal(setup.config, host.env, &report);

  // Credentials, as a run would get them.
  CachedCredentials credentials(aws.NewCredentialSource(setup.config), host.clock, *quiet, 1);
  if (Status s = credentials.Refresh(); !s.ok()) {
    report.Fail("credentials", s.message(), FixForCredentials(s));
    std::fprintf(out, "result: shipping would not work (%d problem)\n", report.failures());
    return kExitRuntimeFailure;
  }
  Credentials c = *credentials.Get();
  std::string kind = c.session_token.empty() ? "long-term" : "temporary";
  report.Ok("credentials",
            MaskAccessKeyId(c.access_key_id) + " from " + credentials.Source() + " (" + kind + ")");

  // The endpoint, the signature and the clock: a harmless signed call. Its
  // Date header tells the clock offset; a refusal for time is tried again
  // with AWS's time, as the agent does.
  LogsRequestContext context{setup.endpoint, setup.region.name, UserAgent()};
  ClockSkew skew;
  const LogStreamTarget probe = targets.empty() ? LogStreamTarget{"edgelog-doctor", "x"}
                                                : targets.front();
  HttpResponse answer = CallLogs(aws.http(), context, LogsOperation::kDescribeLogStreams,
                                 DescribeLogStreamsBody(probe), c, skew, host.clock);
  skew.Observe(answer.date, host.clock.NowUnixMillis());
  if (Classify(answer).verdict == Verdict::kSkewed) {
    answer = CallLogs(aws.http(), context, LogsOperation::kDescribeLogStreams,
                      DescribeLogStreamsBody(probe), c, skew, host.clock);
  }
  if (answer.date.empty()) {
    report.Warn("clock", "not checked (no answer with a Date)", "");
  } else if (skew.offset_ms() == 0) {
    report.Ok("clock", skew.Describe() + " (within 30 s)");
  } else {
    report.Warn("clock", skew.Describe(),
                "edgelog signs with AWS's time, but set the clock right (chrony, NTP): other "
                "AWS tools on this host will fail");
  }
  Verdict v = Classify(answer).verdict;
  // Refused for want of permission: the signature was good, but these
  // credentials may not be allowed to write either. Only a write test can
  // clear that.
  bool denied = v == Verdict::kAuth && Has(Describe(answer), "AccessDenied");
  bool reachable = v == Verdict::kOk || v == Verdict::kMissing || denied;
  if (denied) {
    std::string detail = "CloudWatch Logs accepted the signature but refused DescribeLogStreams: " +
                         Describe(answer);
    if (cl.write_test) {
      report.Warn("reach", detail, "the write test below decides");
    } else {
      report.Fail("reach", detail,
                  "these credentials may not be allowed to write either: grant logs:* on the "
                  "log groups (CloudWatchAgentServerPolicy has what edgelog needs), or run "
                  "edgelog doctor --write-test to try a write");
    }
  } else if (reachable) {
    std::string how = v == Verdict::kOk ? "ok"
                      : "log group " + probe.group + " does not exist yet (edgelog creates it)";
    report.Ok("reach", "CloudWatch Logs accepted the signature; DescribeLogStreams: " + how);
  } else if (answer.transport_error != TransportError::kNone) {
    bool tls = answer.transport_error == TransportError::kCertificate ||
               answer.transport_error == TransportError::kTls;
    std::string fix = tls ? "the TLS handshake failed: check the CA bundle (edgelog.http.ca_bundle, "
                            "SSL_CERT_FILE, AWS_CA_BUNDLE), the endpoint's name, and that it "
                            "speaks TLS 1.2 or later"
                          : "check the network path to " + setup.endpoint.url +
                                ": firewall, VPC endpoint, or HTTPS_PROXY / NO_PROXY";
    report.Fail("reach", Describe(answer), fix);
  } else {
    report.Fail("reach", Describe(answer), FixForRefusal(Describe(answer)));
  }

  // Who AWS says the credentials are (STS may be unreachable where
  // CloudWatch is not: then only a warning).
  const std::string skip_identity = ReasonToSkipIdentity(setup.endpoint, host.env);
  if (!skip_identity.empty()) {
    report.Skip("identity", "GetCallerIdentity skipped: " + skip_identity);
  } else if (auto identity = aws.sts().GetCallerIdentity(c); identity.ok()) {
    report.Ok("identity", identity->arn + " (account " + identity->account + ")");
  } else if (identity.status().code() == Code::kUnavailable) {
    report.Warn("identity", identity.status().message(),
                "STS is not reachable from here; shipping does not need it unless a role is "
                "assumed");
  } else {
    report.Fail("identity", identity.status().message(),
                FixForRefusal(identity.status().message()));
  }

  if (cl.write_test && reachable) {
    for (const LogStreamTarget& t : targets) {
      std::string name = t.group + " / " + t.stream;
      std::string body = PutOneEventBody(t, skew.AwsNowMs(host.clock.NowUnixMillis()),
                                         host.env.HostName());
      HttpResponse put =
          CallLogs(aws.http(), context, LogsOperation::kPutLogEvents, body, c, skew, host.clock);
      if (Classify(put).verdict == Verdict::kMissing) {
        // Create what a run would create (the group with its class and
        // retention, as the sender's GroupSetup), then try again.
        HttpResponse stream = CallLogs(aws.http(), context, LogsOperation::kCreateLogStream,
                                       CreateLogStreamBody(t), c, skew, host.clock);
        if (Classify(stream).verdict == Verdict::kMissing) {
          GroupSetup group({t.group, t.retention_in_days, t.group_class},
                           GroupSetup::Start::kCreate);
          RunGroupSetup(&group, aws.http(), context, c, skew, host.clock);
          if (!group.problem().empty()) report.Warn("retention", group.problem(), "");
          CallLogs(aws.http(), context, LogsOperation::kCreateLogStream, CreateLogStreamBody(t),
                   c, skew, host.clock);
        }
        put = CallLogs(aws.http(), context, LogsOperation::kPutLogEvents, body, c, skew,
                       host.clock);
      }
      if (Classify(put).verdict == Verdict::kOk) {
        report.Ok("write test", name + ": 1 event accepted");
      } else {
        report.Fail("write test", name + ": " + Describe(put), FixForRefusal(Describe(put)));
      }
    }
    // The retention of every group, as a run keeps it at start.
    std::vector<std::string> checked;
    for (const LogStreamTarget& t : targets) {
      if (t.retention_in_days <= 0 ||
          std::find(checked.begin(), checked.end(), t.group) != checked.end()) {
        continue;
      }
      checked.push_back(t.group);
      GroupSetup group({t.group, t.retention_in_days, t.group_class}, GroupSetup::Start::kCheck);
      RunGroupSetup(&group, aws.http(), context, c, skew, host.clock);
      std::string days = std::to_string(t.retention_in_days) + " days";
      if (!group.problem().empty()) {
        report.Warn("retention", group.problem(), "shipping works; the group keeps its retention");
      } else if (group.retention_set()) {
        report.Ok("retention", t.group + ": set to " + days);
      } else {
        report.Ok("retention", t.group + ": " + days);
      }
    }
  }
  if (report.failures() == 0) {
    std::fprintf(out, "result: shipping would work\n");
    return kExitOk;
  }
  std::fprintf(out, "result: shipping would not work (%d problem%s)\n", report.failures(),
               report.failures() == 1 ? "" : "s");
  return kExitRuntimeFailure;
}

}  // namespace edgelog
