#include "algorithms/core/decimal_text.hpp"
#include "sim/output/output_room.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <vector>

namespace clocksim::sim {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) { return b != 0 && a > kMax / b ? kMax : a * b; }
std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) { return a > kMax - b ? kMax : a + b; }

// The shortest a trace row can be, for a node named `name`:
// "t_ns,node,local_ns,offset_ns,role,up\n" with one digit per number and the shortest role
// ("none"): 1 + name + 1 + 1 + 4 + 1 digits and names, five commas and the newline.
std::uint64_t min_trace_row_bytes(const std::string& name) { return name.size() + 8 + 6; }
// "t_ns,max_skew_ns,mean_abs_offset_ns,bound_ns,master,masters\n": four numbers (the bound and
// the master may be empty), five commas and the newline.
constexpr std::uint64_t kMinSkewRowBytes = 4 + 6;

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
  double v = static_cast<double>(bytes);
  std::size_t u = 0;
  while (v >= 1000 && u + 1 < std::size(units)) {
    v /= 1000;
    ++u;
  }
  return general_text(v, 3) + " " + units[u];
}

OutputSizeFloor output_size_floor(const scenario::ScenarioSpec& spec) {
  OutputSizeFloor f;
  if (spec.tick <= Duration::zero()) return f;
  // Ticks at 0, tick, 2 tick, ... up to the end.
  const auto ticks = static_cast<std::uint64_t>(spec.duration / spec.tick) + 1;
  if (spec.output.skew) {
    f.skew_rows = ticks;
    f.bytes = saturating_mul(ticks, kMinSkewRowBytes);
  }
  if (spec.output.trace && !spec.output.compress_trace) {
    const std::uint64_t every =
        spec.output.trace_every > Duration::zero() ? std::max<std::int64_t>(1, spec.output.trace_every / spec.tick) : 1;
    const std::uint64_t traced_ticks = (ticks + every - 1) / every;
    // Which nodes are traced, as the recorder decides it (linear, not a search per node).
    std::vector<bool> traced(spec.nodes.size(), spec.output.trace_nodes.empty());
    for (NodeId id : spec.output.trace_nodes) {
      if (id < traced.size()) traced[id] = true;
    }
    std::uint64_t row_bytes = 0;  // one tick's rows, over every traced node
    std::uint64_t nodes = 0;
    for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
      if (!traced[i]) continue;
      ++nodes;
      row_bytes += min_trace_row_bytes(spec.nodes[i].name);
    }
    f.trace_rows = saturating_mul(traced_ticks, nodes);
    f.bytes = saturating_add(f.bytes, saturating_mul(traced_ticks, row_bytes));
  }
  return f;
}

void check_output_room(const scenario::ScenarioSpec& spec, const std::string& out_dir) {
  // The folder may not exist yet: its nearest existing ancestor is on the same file system.
  std::filesystem::path at = std::filesystem::absolute(out_dir);
  std::error_code ec;
  while (!std::filesystem::exists(at, ec) && at.has_parent_path() && at.parent_path() != at) at = at.parent_path();
  struct statvfs fs {};
  // A pseudo file system (/proc, /sys) has no blocks at all: its free space says nothing, and
  // making the folder there fails with its own reason.
  if (::statvfs(at.c_str(), &fs) != 0 || fs.f_blocks == 0) return;
  const std::uint64_t available = saturating_mul(fs.f_bavail, fs.f_frsize);
  const OutputSizeFloor floor = output_size_floor(spec);
  if (floor.bytes <= available) return;
  throw std::runtime_error(
      "the run's trace.csv and skew.csv need at least " + human_bytes(floor.bytes) + " (" +
      std::to_string(floor.trace_rows) + " trace rows, " + std::to_string(floor.skew_rows) + " skew rows), but " +
      out_dir + " has " + human_bytes(available) +
      " free; record less (a coarser tick, output.trace_every, output.trace_nodes, output.compress: gzip, "
      "output.skew: false) or write elsewhere (--out)");
}

std::string refused_write_message(const WriteRefused& refused, const scenario::ScenarioSpec& spec) {
  const std::string& path = refused.path();
  const auto slash = path.find_last_of('/');
  const std::string file = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string when =
      refused.at_ns ? " (at t=" + fixed_text(static_cast<double>(*refused.at_ns) * 1e-9, 3) + "s of " +
                          fixed_text(spec.duration.seconds(), 3) + "s)"
                    : " (after the " + fixed_text(spec.duration.seconds(), 3) + "s of the run, writing its last files)";
  std::string why, change;
  if (file == "events.csv" || file == "events.log") {
    why = "events.csv and events.log grow with every note of the run's algorithms and faults (a timeout, an "
          "election, a round, a lost reply), as many as the run makes: no bound on their size is known before it, "
          "so the check of free space before the run counts only trace.csv and skew.csv";
    change = "output.events: false, a shorter duration";
  } else if (file == "messages.csv") {
    why = "messages.csv has a row per message the run sent, known only at its end, which the check before the run "
          "cannot count";
    change = "output.messages: false";
  } else if (file == "logical.csv") {
    why = "logical.csv has a row per application event, known only at the end of the run, which the check before "
          "the run cannot count";
    change = "output.trace: false, a shorter duration";
  } else if (file == "trace.csv" || file == "trace.csv.gz" || file == "skew.csv") {
    why = "The check before the run counted the least trace.csv and skew.csv can take (" +
          human_bytes(output_size_floor(spec).bytes) + "); their rows are longer, and the other files take room too";
    change = "a coarser tick, output.trace_every, output.trace_nodes, output.compress: gzip, output.skew: false";
  }
  std::string message = std::string(refused.what()) + when + ". ";
  if (!why.empty()) message += why + ". ";
  message += "The output folder is as it was; ";
  message += change.empty() ? "free some room" : "record less (" + change + ")";
  return message + " or write elsewhere (--out)";
}

}  // namespace clocksim::sim
