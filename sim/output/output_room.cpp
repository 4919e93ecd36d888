#include "sim/output/output_room.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cstdio>
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
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g %s", v, units[u]);
  return buf;
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

}  // namespace clocksim::sim
