// FakeProcessStarter: scripted children instead of journalctl, replaying
// what a test (or a recorded `journalctl -o json` stream) says they print.
#ifndef EDGELOG_TESTS_SUPPORT_FAKE_PROCESS_H_
#define EDGELOG_TESTS_SUPPORT_FAKE_PROCESS_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/process.h"

namespace edgelog::testing {

// What one child does; the test may add output while it runs.
struct FakeChild {
  std::string output;         // printed, not yet read
  bool ends = false;          // once `output` is read, its output ends...
  std::string exit_message;   // ...and it exits so ("" exited 0)
  bool exit_seen_late = false;  // the exit is seen one look after the end
  bool watching = true;       // WatchOutput's last word
  bool alive = true;          // false once the reader dropped it (killed)
};

class FakeProcessStarter : public ProcessStarter {
 public:
  // The next Start runs `child` (shared: the test keeps adding to it).
  std::shared_ptr<FakeChild> Next(std::string output = "", bool ends = false,
                                  std::string exit_message = "") {
    auto c = std::make_shared<FakeChild>();
    c->output = std::move(output);
    c->ends = ends;
    c->exit_message = std::move(exit_message);
    script_.push_back({c, Status::Ok()});
    return c;
  }
  // The next Start fails with `s`.
  void FailNext(Status s) { script_.push_back({nullptr, std::move(s)}); }

  StatusOr<std::unique_ptr<StreamingProcess>> Start(
      const std::vector<std::string>& argv) override {
    started.push_back(argv);
    if (script_.empty()) Next();  // unscripted: prints nothing, runs on
    Step step = script_.front();
    script_.pop_front();
    if (!step.status.ok()) return step.status;
    return std::unique_ptr<StreamingProcess>(std::make_unique<Process>(step.child));
  }

  std::vector<std::vector<std::string>> started;  // argv of every Start

 private:
  class Process : public StreamingProcess {
   public:
    explicit Process(std::shared_ptr<FakeChild> c) : c_(std::move(c)) {}
    ~Process() override { c_->alive = false; }
    StatusOr<size_t> Read(std::string* out, size_t max) override {
      size_t n = std::min(max, c_->output.size());
      out->append(c_->output, 0, n);
      c_->output.erase(0, n);
      return n;
    }
    bool output_ended() const override { return c_->ends && c_->output.empty(); }
    std::optional<std::string> TakeExit() override {
      if (!output_ended()) return std::nullopt;
      if (c_->exit_seen_late && !looked_) {
        looked_ = true;
        return std::nullopt;
      }
      return c_->exit_message;
    }
    void WatchOutput(bool on) override { c_->watching = on; }

   private:
    std::shared_ptr<FakeChild> c_;
    bool looked_ = false;
  };
  struct Step {
    std::shared_ptr<FakeChild> child;
    Status status;
  };
  std::deque<Step> script_;
};

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_FAKE_PROCESS_H_
