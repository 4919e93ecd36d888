// The most memory a run may take. Linux lets a process allocate more than the machine has and,
// once memory runs out, its out-of-memory killer ends the largest process with SIGKILL: no
// message, nothing cleaned up, and on a shared machine perhaps someone else's process. A limit on
// this process's data (RLIMIT_DATA: its heap and private writable mappings) turns that into a
// failed allocation, std::bad_alloc, which the command reports as an error naming the limit, the
// run's unfinished files removed as for any other error.
//
// By default the limit is nine tenths of what the machine can give when the command starts
// (MemAvailable, or less where a cgroup's memory limit leaves less), on top of what the process
// holds already. A
// sanitizer build reserves terabytes of address space for its shadow memory, which the limit
// counts, so there no limit is applied (and the description says so).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace clocksim::sim {

struct MemoryLimitRequest {
  enum class Kind { kAvailable, kNone, kBytes };
  Kind kind = Kind::kAvailable;
  std::uint64_t bytes = 0;  // kBytes only
};

// "available", "none", or a size: a whole number with an optional unit, B, KiB, MiB, GiB, TiB
// (K, M, G, T mean the same) or kB, MB, GB, TB (powers of 1000). nullopt: none of these, or a
// size of 0 or past 2^63 bytes.
std::optional<MemoryLimitRequest> parse_memory_limit(std::string_view text);

// What a cgroup's memory limit still leaves, from the texts of its limit file (cgroup v2
// memory.max, v1 memory.limit_in_bytes) and usage file; nullopt when there is no limit ("max",
// or v1's page-rounded 2^63) or a text is not a number.
std::optional<std::uint64_t> cgroup_room_bytes(std::string_view limit_text, std::string_view usage_text);

struct MemoryLimit {
  std::optional<std::uint64_t> bytes;  // nullopt: no limit applied
  std::string description;             // what the limit is and where it comes from
};

// Applies the request to this process (only ever lowering an existing limit). Returns what was
// applied, or why it could not be (setrlimit refused it).
std::variant<MemoryLimit, std::string> apply_memory_limit(const MemoryLimitRequest& request);

// What a command says when a run met its limit.
std::string out_of_memory_message(const MemoryLimit& limit);

}  // namespace clocksim::sim
