#include "agent/text/line_framer.h"

#include <cstring>

#include "agent/text/utf8.h"

namespace edgelog {

LineFramer::LineFramer(uint64_t start_offset, size_t max_piece)
    : max_piece_(max_piece), emitted_offset_(start_offset) {}

size_t LineFramer::CutPoint(std::string_view text) const {
  size_t cut = WithoutIncompleteTail(text.substr(0, max_piece_));
  return cut == 0 ? max_piece_ : cut;  // not UTF-8 at all: cut anywhere
}

void LineFramer::EmitLine(std::string_view line, const Sink& sink) {
  uint64_t end = emitted_offset_ + line.size() + 1;  // just past the '\n'
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (line.size() > max_piece_) {
    size_t cut = CutPoint(line);
    emitted_offset_ += cut;
    sink(LinePiece{line.substr(0, cut), emitted_offset_, false});
    line.remove_prefix(cut);
  }
  emitted_offset_ = end;
  sink(LinePiece{line, end, true});
}

void LineFramer::Feed(std::string_view data, const Sink& sink) {
  while (!data.empty()) {
    const char* nl =
        static_cast<const char*>(std::memchr(data.data(), '\n', data.size()));
    if (nl == nullptr) {
      pending_.append(data);
      CutLongPending(sink);
      return;
    }
    size_t len = static_cast<size_t>(nl - data.data());
    if (pending_.empty()) {
      EmitLine(data.substr(0, len), sink);  // no copy on the common path
    } else {
      pending_.append(data.data(), len);
      EmitLine(pending_, sink);
      pending_.clear();
    }
    data.remove_prefix(len + 1);
  }
}

void LineFramer::CutLongPending(const Sink& sink) {
  // Cut only with two bytes to spare, so a trailing '\r' stays behind with
  // at least one byte before it: when its '\n' comes, the line ends as usual.
  while (pending_.size() > max_piece_ + 1) {
    size_t cut = CutPoint(pending_);
    emitted_offset_ += cut;
    sink(LinePiece{std::string_view(pending_.data(), cut), emitted_offset_, false});
    pending_.erase(0, cut);
  }
}

void LineFramer::Flush(const Sink& sink) {
  if (pending_.empty()) return;
  emitted_offset_ += pending_.size();
  sink(LinePiece{pending_, emitted_offset_, true});
  pending_.clear();
}

}  // namespace edgelog
