// `edgelog run`: the agent, from the configuration to the main loop, and
// again from the configuration on SIGHUP.
//
// A reload runs the main loop's stop (deliver what was read for up to the
// stop grace, keep the rest in the disk buffer, save checkpoints) and
// starts it again from the new configuration, as a restart would, but
// only once that configuration was read, checked and its credentials
// fetched: a configuration that cannot run is reported and the agent runs
// on as it was. What stays across a reload: the process, its state
// directory and lock, the event loop and the stop signals, and the
// operator's endpoints while their address stays (a new address is bound
// before the reload is accepted).
#include "agent/aws/creds/refresher.h"
#include "agent/cli/commands.h"
#include "agent/cli/setup.h"
#include "agent/io/state_dir.h"
#include "agent/net/curl_http_client.h"
#include "agent/run/agent_loop.h"
#include "agent/run/last_error.h"
#include "agent/run/tail_setup.h"
#include "platform/http_server.h"
#include "platform/limits.h"
#include "platform/poller.h"
#include "platform/process.h"
#include "platform/service_manager.h"
#include "platform/terminal.h"
#include "platform/watcher.h"

namespace edgelog {
namespace {

// What one configuration runs with, replaced whole by a reload.
struct Generation {
  explicit Generation(Host& host) : aws(host.env, host.clock, UserAgent()) {}

  AwsServices aws;
  Setup setup;
  std::unique_ptr<Logger> stderr_log;
  // `run --once` on a terminal: stderr_log's lines with the progress line
  // under them; null otherwise.
  std::unique_ptr<StatusLineLogger> progress_log;
  // The generation's logger: stderr_log's lines, the last error remembered
  // for `edgelog status` (saved once the state directory is locked).
  std::unique_ptr<ErrorRecordingLogger> log;
  std::unique_ptr<CachedCredentials> credentials;
  // Bound by a reload that moved the operator's endpoints (null otherwise).
  std::unique_ptr<HttpServer> server;
};

// The operator's endpoints (/metrics, /health), kept across reloads while
// their address stays, answered by the running generation's loop.
struct OperatorEndpoints {
  std::string listen;  // "" when off
  std::unique_ptr<HttpServer> server;
  AgentLoop* loop = nullptr;  // null between generations
};

// Whether two listen addresses name the same port: the old one must go
// before the new one can be bound (127.0.0.1:P, then localhost:P or
// 0.0.0.0:P).
bool SamePort(const std::string& a, const std::string& b) {
  std::string host_a, host_b;
  uint16_t port_a = 0, port_b = 0;
  return ParseListenAddress(a, &host_a, &port_a).ok() &&
         ParseListenAddress(b, &host_b, &port_b).ok() && port_a == port_b;
}

// Serves `endpoints` on `listen`; null after saying why not.
std::unique_ptr<HttpServer> Listen(Poller& poller, const std::string& listen,
                                   OperatorEndpoints& endpoints, Logger& log) {
  std::string host;
  uint16_t port = 0;
  Status parsed = ParseListenAddress(listen, &host, &port);
  auto server = parsed.ok() ? ListenHttp(poller, host, port,
                                         [&endpoints](const ServedRequest& request) {
                                           if (endpoints.loop != nullptr) {
                                             return endpoints.loop->Serve(request);
                                           }
                                           ServedResponse r;
                                           r.status = 503;
                                           r.body = "starting\n";
                                           return r;
                                         })
                            : StatusOr<std::unique_ptr<HttpServer>>(parsed);
  if (!server.ok()) {
    log.Error("edgelog.http_server.listen: cannot serve on " + listen + ": " +
              server.status().message());
    return nullptr;
  }
  log.Info("serving /metrics and /health on http://" + (*server)->address());
  return std::move(*server);
}

// Reads and checks the configuration into `g`: 0, or the exit code after
// `log` said why not.
int PrepareGeneration(const CommandLine& cl, Host& host, Logger& log, Generation* g,
                      PrepareFor purpose = PrepareFor::kRun) {
  if (int rc = Prepare(cl, host, log, g->aws, &g->setup, purpose); rc != kExitOk) return rc;
  g->stderr_log = NewStderrLogger(g->setup.config.debug);
  Logger* lines = g->stderr_log.get();
  if (cl.once && StderrIsTerminal()) {
    g->progress_log = std::make_unique<StatusLineLogger>(*g->stderr_log, WriteToStderr,
                                                         StderrColumns);
    lines = g->progress_log.get();
  }
  g->log = std::make_unique<ErrorRecordingLogger>(*lines, host.clock);
  return kExitOk;
}

// Fetches the credentials `g`'s configuration names: 0, or the exit code
// after saying why not (a failure is the error of the run).
int FetchCredentials(Host& host, Generation* g, Logger& log) {
  g->credentials = std::make_unique<CachedCredentials>(
      g->aws.NewCredentialSource(g->setup.config), host.clock, *g->log,
      static_cast<uint64_t>(host.clock.NowUnixMillis()));
  if (Status c = g->credentials->Refresh(); !c.ok()) {
    log.Error(c.message());
    return kExitRuntimeFailure;
  }
  return kExitOk;
}

std::string WithoutTrailingSlashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// After a reload that changed the listen address: `bound` is the new
// server, bound already; null when the server is turned off, or when the
// new address has the old one's port: then the old one is closed first,
// and bound again if the new one cannot be.
void MoveEndpoints(Poller& poller, const std::string& listen, std::unique_ptr<HttpServer> bound,
                   OperatorEndpoints& endpoints, Logger& log) {
  if (bound != nullptr || listen.empty()) {
    endpoints.server = std::move(bound);
    endpoints.listen = listen;
    return;
  }
  std::string old = endpoints.listen;
  endpoints.server = nullptr;
  endpoints.server = Listen(poller, listen, endpoints, log);
  endpoints.listen = listen;
  if (endpoints.server != nullptr) return;
  log.Warning("serving on " + old + " again");
  endpoints.server = Listen(poller, old, endpoints, log);
  endpoints.listen = endpoints.server != nullptr ? old : "";
}

// The configuration read again, checked and its credentials fetched; null
// after saying why not. Refused too when it moves the state directory (its
// lock and files stay where the process has them).
std::unique_ptr<Generation> LoadForReload(const CommandLine& cl, Host& host,
                                          const Generation& running, Poller& poller,
                                          OperatorEndpoints& endpoints) {
  Logger& log = *running.log;
  log.Info("SIGHUP received: reading " + cl.config_path + " again");
  auto next = std::make_unique<Generation>(host);
  const std::string& state_dir = running.setup.config.state_dir;
  if (PrepareGeneration(cl, host, log, next.get(), PrepareFor::kReload) != kExitOk) {
    next = nullptr;
  } else if (WithoutTrailingSlashes(next->setup.config.state_dir) !=
             WithoutTrailingSlashes(state_dir)) {
    log.Error(cl.config_path + ": edgelog.state_dir: moved from " + state_dir + " to " +
              next->setup.config.state_dir + ", which takes a restart");
    next = nullptr;
  } else if (FetchCredentials(host, next.get(), log) != kExitOk) {
    next = nullptr;
  } else if (const std::string& listen = next->setup.config.http_listen;
             listen != endpoints.listen && !listen.empty() &&
             !SamePort(listen, endpoints.listen)) {
    next->server = Listen(poller, listen, endpoints, log);
    if (next->server == nullptr) next = nullptr;
  }
  if (next == nullptr) {
    // A warning: the last error, kept for `edgelog status`, stays the reason.
    log.Warning("reload refused: running on with the configuration loaded before");
  }
  return next;
}

void SayWhereShipping(const Generation& g) {
  Logger& log = *g.log;
  const Setup& setup = g.setup;
  log.Info("shipping to " + setup.endpoint.url + " (" + setup.region.name + ", from " +
           setup.region.source + ") as " +
           MaskAccessKeyId(g.credentials->Get()->access_key_id) + " from " +
           g.credentials->Source() + "; state in " + setup.config.state_dir);
  if (setup.endpoint.url.rfind("https://", 0) != 0) return;
  if (setup.ca_bundle.path.empty()) {
    std::string tried;
    for (const char* p : kSystemCaBundles) tried += std::string(tried.empty() ? "" : ", ") + p;
    log.Warning("no CA bundle found (tried edgelog.http.ca_bundle, SSL_CERT_FILE, "
                "AWS_CA_BUNDLE, " + tried + ", " + kBundledCaName +
                " beside the binary); TLS connections will fail to verify");
  } else {
    log.Info("trusting the CAs in " + setup.ca_bundle.path + " (" + setup.ca_bundle.source +
             ")");
  }
}

// How a generation's main loop ended.
struct Ended {
  int exit_code;
  std::unique_ptr<Generation> next;  // set when it ended for a reload
};

Ended RunGeneration(const CommandLine& cl, Host& host, Generation& g, Poller& poller,
                    StopSignals& stop, const std::string& real_state_dir,
                    OperatorEndpoints& endpoints) {
  const Config& config = g.setup.config;
  Logger& log = *g.log;
  CurlHttpOptions http_options;
  http_options.ca_file = g.setup.ca_bundle.path;
  http_options.connect_timeout_ms = config.connect_timeout_s * 1000;
  http_options.request_timeout_ms = config.request_timeout_s * 1000;
  http_options.max_connections = static_cast<int>(config.max_in_flight);
  http_options.user_agent = UserAgent();
  auto http = CurlHttpClient::Create(poller, host.clock, http_options);
  if (!http.ok()) {
    log.Error(http.status().message());
    return {kExitRuntimeFailure, nullptr};
  }
  SayWhereShipping(g);
  // inotify tells at once when files change; without it, files are polled.
  std::unique_ptr<DirWatcher> watcher;
  if (auto w = NewInotifyWatcher(poller); w.ok()) {
    watcher = std::move(*w);
  } else {
    log.Warning("inotify unavailable (" + w.status().message() + "); polling files every second");
  }
  LogsRequestContext context{g.setup.endpoint, g.setup.region.name, http_options.user_agent};
  RunOptions options;
  options.once = cl.once;
  uint64_t descriptors = RaiseOpenFileLimit();
  options.open_files_allowed =
      OpenFilesAllowed(descriptors, config.max_open_files, config.max_in_flight);
  if (options.open_files_allowed < static_cast<size_t>(config.max_open_files)) {
    log.Warning("the descriptor limit (RLIMIT_NOFILE, ulimit -n) is " +
                std::to_string(descriptors) + ": following at most " +
                std::to_string(options.open_files_allowed) + " files at once, not " +
                std::to_string(config.max_open_files) +
                " (edgelog.max_open_files); raise it with LimitNOFILE= (systemd) or "
                "--ulimit nofile= (containers)");
  }
  // journalctl, for the journald entries.
  std::unique_ptr<ProcessStarter> processes = NewProcessStarter(poller);
  std::unique_ptr<Generation> next;
  LastErrorFile last_error(host.env, host.clock, real_state_dir, *g.log);
  AgentDeps deps{host.env, host.clock, log, poller, **http, *g.credentials, &stop,
                 watcher.get(), processes.get()};
  deps.last_error = &last_error;
  deps.progress = g.progress_log.get();
  deps.reload = [&] {
    next = LoadForReload(cl, host, g, poller, endpoints);
    return next != nullptr;
  };
  AgentLoop loop(deps, config, std::move(g.setup.entries), context, options);
  endpoints.loop = &loop;
  int exit_code = loop.Run();
  endpoints.loop = nullptr;
  last_error.SaveNow();
  if (!loop.reloading() || stop.stop_requested()) next = nullptr;
  return {exit_code, std::move(next)};
}

}  // namespace

int RunCommand(const CommandLine& cl, Host& host) {
  auto bootstrap_log = NewStderrLogger(false);
  auto g = std::make_unique<Generation>(host);
  if (int rc = PrepareGeneration(cl, host, *bootstrap_log, g.get()); rc != kExitOk) return rc;
  const std::string state_dir_path = g->setup.config.state_dir;
  auto state_dir = PrepareStateDir(host.env, state_dir_path);
  if (!state_dir.ok()) {
    g->log->Error(state_dir.status().message());
    return kExitRuntimeFailure;
  }
  auto lock = LockStateDir(host.env, *state_dir);
  if (!lock.ok()) {
    g->log->Error(lock.status().code() == Code::kBusy
                      ? "another edgelog is using " + state_dir_path
                      : lock.status().message());
    return kExitRuntimeFailure;
  }
  if (int rc = FetchCredentials(host, g.get(), *g->log); rc != kExitOk) return rc;
  // Before any thread starts: threads inherit the mask, and a stop signal
  // must reach the signalfd, not kill the process.
  if (Status b = BlockStopSignals(); !b.ok()) g->log->Warning(b.message());
  std::unique_ptr<Poller> poller = NewEpollPoller();
  if (!poller) {
    g->log->Error("cannot create the event loop (epoll)");
    return kExitRuntimeFailure;
  }
  auto stop = WatchStopSignals(*poller);
  if (!stop.ok()) {
    g->log->Error(stop.status().message());
    return kExitRuntimeFailure;
  }
  OperatorEndpoints endpoints;
  if (!g->setup.config.http_listen.empty()) {
    endpoints.server = Listen(*poller, g->setup.config.http_listen, endpoints, *g->log);
    if (endpoints.server == nullptr) return kExitRuntimeFailure;
    endpoints.listen = g->setup.config.http_listen;
  }
  // systemd (Type=notify): started; a reload is sent only from now on.
  const std::string notify = host.env.GetVar("NOTIFY_SOCKET").value_or("");
  auto tell_systemd = [&](std::string_view state) {
    if (Status n = NotifyServiceManager(notify, state); !n.ok()) g->log->Warning(n.message());
  };
  tell_systemd("READY=1");
  for (;;) {
    g->credentials->StartThread();
    Ended ended = RunGeneration(cl, host, *g, *poller, **stop, *state_dir, endpoints);
    if (ended.next == nullptr) {
      tell_systemd("STOPPING=1");
      return ended.exit_code;
    }
    g = std::move(ended.next);
    if (g->setup.config.http_listen != endpoints.listen) {
      MoveEndpoints(*poller, g->setup.config.http_listen, std::move(g->server), endpoints,
                    *g->log);
    }
    g->log->Info("reloaded " + cl.config_path);
  }
}

}  // namespace edgelog
