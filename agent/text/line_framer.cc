#include "agent/text/line_framer.h"

#include <cstring>

#include "agent/text/utf8.h"

namespace edgelog {

LineFramer::LineFramer(uint64_t start_offset, size_t max_piece)
    : max_piece_(max_piece), emitted_offset_(start_offset) {}

void LineFramer::EmitLine(std::string_view line, uint64_t end_offset,
                          const Sink& sink) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  emitted_offset_ = end_offset;
  sink(LinePiece{line, end_offset, true});
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
    uint64_t end = emitted_offset_ + pending_.size() + len + 1;
    if (pending_.empty()) {
      EmitLine(data.substr(0, len), end, sink);  // no copy on the common path
    } else {
      pending_.append(data.data(), len);
      EmitLine(pending_, end, sink);
      pending_.clear();
    }
    data.remove_prefix(len + 1);
  }
}

void LineFramer::CutLongPending(const Sink& sink) {
  // Keep two bytes back so that a "\r" before a coming "\n" is never cut off
  // from it.
  while (pending_.size() >= max_piece_ + 2) {
    std::string_view head(pending_.data(), max_piece_);
    size_t cut = WithoutIncompleteTail(head);
    if (cut == 0) cut = max_piece_;  // not UTF-8 at all: cut anywhere
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
