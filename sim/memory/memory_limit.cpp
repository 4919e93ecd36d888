#include "sim/memory/memory_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "algorithms/core/c_locale_stream.hpp"
#include "sim/output/memory_room.hpp"
#include "sim/output/output_room.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CLOCKSIM_SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define CLOCKSIM_SANITIZER_BUILD 1
#endif
#endif

namespace clocksim::sim {
namespace {

constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 63;

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::optional<std::uint64_t> whole_number(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  CLocaleStream s;
  s << in.rdbuf();
  return s.str();
}

// This process's cgroup folders' room: cgroup v2 ("0::/path") and v1's memory controller
// ("N:memory:/path"), where their files are visible; the least of them.
[[maybe_unused]] std::optional<std::uint64_t> cgroup_room_here() {
  std::istringstream lines(read_text("/proc/self/cgroup"));
  std::optional<std::uint64_t> room;
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t a = line.find(':');
    const std::size_t b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1);
    const std::string path = line.substr(b + 1);
    std::optional<std::uint64_t> r;
    if (line.compare(0, a, "0") == 0 && controllers.empty()) {
      const std::string dir = "/sys/fs/cgroup" + path;
      r = cgroup_room_bytes(read_text(dir + "/memory.max"), read_text(dir + "/memory.current"));
    } else if (controllers == "memory") {
      const std::string dir = "/sys/fs/cgroup/memory" + path;
      r = cgroup_room_bytes(read_text(dir + "/memory.limit_in_bytes"), read_text(dir + "/memory.usage_in_bytes"));
    }
    if (r && (!room || *r < *room)) room = r;
  }
  return room;
}

// What the process's data (as RLIMIT_DATA counts it) is now: VmData of /proc/self/status.
[[maybe_unused]] std::uint64_t data_now_bytes() {
  std::istringstream lines(read_text("/proc/self/status"));
  std::string key, unit;
  std::uint64_t kib = 0;
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    if (fields >> key >> kib >> unit && key == "VmData:" && unit == "kB") return kib * 1024;
  }
  return 0;
}

}  // namespace

std::optional<MemoryLimitRequest> parse_memory_limit(std::string_view text) {
  if (text == "available") return MemoryLimitRequest{};
  if (text == "none") return MemoryLimitRequest{MemoryLimitRequest::Kind::kNone, 0};
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const auto number = whole_number(text.substr(0, digits));
  if (!number) return std::nullopt;
  static constexpr std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"", 1},           {"B", 1},
      {"K", 1ULL << 10}, {"KiB", 1ULL << 10}, {"M", 1ULL << 20}, {"MiB", 1ULL << 20},
      {"G", 1ULL << 30}, {"GiB", 1ULL << 30}, {"T", 1ULL << 40}, {"TiB", 1ULL << 40},
      {"kB", 1'000},     {"KB", 1'000},       {"MB", 1'000'000}, {"GB", 1'000'000'000},
      {"TB", 1'000'000'000'000}};
  const std::string_view unit = text.substr(digits);
  for (const auto& [name, scale] : kUnits) {
    if (unit != name) continue;
    if (*number == 0 || *number > kMaxBytes / scale) return std::nullopt;
    return MemoryLimitRequest{MemoryLimitRequest::Kind::kBytes, *number * scale};
  }
  return std::nullopt;
}

std::optional<std::uint64_t> cgroup_room_bytes(std::string_view limit_text, std::string_view usage_text) {
  const auto limit = whole_number(trimmed(limit_text));
  const auto usage = whole_number(trimmed(usage_text));
  // v1 writes "no limit" as 2^63 rounded down to a page.
  if (!limit || !usage || *limit >= (kMaxBytes >> 1)) return std::nullopt;
  return *limit > *usage ? *limit - *usage : 0;
}

std::variant<MemoryLimit, std::string> apply_memory_limit(const MemoryLimitRequest& request) {
  if (request.kind == MemoryLimitRequest::Kind::kNone) return MemoryLimit{std::nullopt, "none (--memory-limit none)"};
#ifdef CLOCKSIM_SANITIZER_BUILD
  return MemoryLimit{std::nullopt,
                     "none: a sanitizer build reserves more address space for its shadow memory than any limit "
                     "would allow"};
#else
  std::uint64_t bytes = request.bytes;
  std::string description;
  if (request.kind == MemoryLimitRequest::Kind::kAvailable) {
    std::optional<std::uint64_t> room = mem_available_bytes(read_text("/proc/meminfo"));
    const std::optional<std::uint64_t> cgroup = cgroup_room_here();
    if (cgroup && (!room || *cgroup < *room)) room = cgroup;
    if (!room) return MemoryLimit{std::nullopt, "none: this system says nothing of the memory available"};
    // A tenth is left to the rest of the machine: at exactly what is available the kernel starts
    // reclaiming, and may kill, before the allocation that crosses the limit fails.
    bytes = *room / 10 * 9 + data_now_bytes();
    description = human_bytes(bytes) + ", nine tenths of the memory available when the command started";
  } else {
    description = human_bytes(bytes) + ", given by --memory-limit";
  }
  rlimit current{};
  if (::getrlimit(RLIMIT_DATA, &current) != 0) return std::string("getrlimit: ") + std::strerror(errno);
  if (current.rlim_cur != RLIM_INFINITY && current.rlim_cur <= bytes) {
    return MemoryLimit{current.rlim_cur, human_bytes(current.rlim_cur) + ", this process's data limit (ulimit -d)"};
  }
  rlimit lowered = current;
  lowered.rlim_cur = static_cast<rlim_t>(bytes);
  if (::setrlimit(RLIMIT_DATA, &lowered) != 0) return std::string("setrlimit: ") + std::strerror(errno);
  return MemoryLimit{bytes, description};
#endif
}

std::string out_of_memory_message(const MemoryLimit& limit) {
  if (!limit.bytes) return "out of memory (no memory limit: " + limit.description + ")";
  return "the run needs more memory than its limit, " + limit.description +
         " (--memory-limit SIZE sets another; past what the machine has, the kernel would kill the run "
         "instead). A run's memory grows with its nodes, the links it uses and the messages in flight at "
         "once: a round in which every node of a full mesh sends to every other holds N(N-1) of them";
}

}  // namespace clocksim::sim
