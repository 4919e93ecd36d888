// Structured logs: one JSON object per line on stderr (or any FILE*), e.g.
//   {"event":"note","node":1,"local_ns":...,"kind":"became_master","what":"becomes_master",...}
#pragma once

#include <cstdio>
#include <string_view>

#include <nlohmann/json.hpp>

#include "algorithms/core/note.hpp"
#include "node/loop/log_rate_limit.hpp"

namespace clocksim::node {

// Lines are rate-limited (200 at once, then 20 per second); "start", "stop" and "signal" always
// pass. A line after a suppressed stretch carries "suppressed": how many were held back.
// A line is written only when the output can take it at once: the log shares a thread with the
// clock, and a reader that stops reading (a paused pager, a stuck log collector) must not stall
// it once the pipe is full. A line the output could not take is counted, and the next line
// written carries "unwritten": how many were lost before it.
class Logger {
 public:
  explicit Logger(std::FILE* out = stderr) : out_(out) {}
  void write(std::string_view event, nlohmann::json fields);
  std::uint64_t suppressed_total() const { return suppressed_total_; }
  std::uint64_t unwritten_total() const { return unwritten_total_; }
  // False for a logger that writes nowhere: callers may skip building the line.
  bool enabled() const { return out_ != nullptr; }

 private:
  // Whether all of `text` went out.
  bool emit(const std::string& text);

  std::FILE* out_;
  LogRateLimit limit_{20, 200};
  std::uint64_t suppressed_total_ = 0;
  std::uint64_t unwritten_total_ = 0;
  std::uint64_t unwritten_held_ = 0;  // since the last line written
};

// A note's typed fields for a log line: kind, what, the fields it sets (node ids as numbers) and
// its sentence as "text".
nlohmann::json note_fields(const Note& note);

}  // namespace clocksim::node
