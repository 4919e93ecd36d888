// The control channel clocksyncctl talks to. By default a Unix datagram socket whose file mode
// (0660) decides who may ask, as chronyc's /run/chrony/chronyd.sock: nothing on the network can
// reach it. Optionally a UDP socket for remote monitoring, hardened against reflection: it binds
// a non-loopback address only when explicitly allowed, answers each source address at most
// `udp_per_source_per_second` requests a second and all of them together at most
// `udp_overall_per_second` (status_rate_limit.hpp: a flood from one address, forged or not, does
// not starve the others), and never sends a reply larger than the request that asked for it
// (clocksyncctl pads its request to kUdpRequestSize), so it cannot amplify a spoofed request.
// A request is "status" for the first page of the answer or "status <member>" for the page that
// starts at that member (daemon/loop/status_pages.hpp): a large cluster's answer comes in pages that
// each fit in one datagram, never cut short.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "daemon/loop/endpoint.hpp"
#include "daemon/loop/status_rate_limit.hpp"
#include "node/clock/host_time.hpp"

namespace clocksim::daemon {

struct ControlConfig {
  std::string unix_path;           // empty: no Unix socket
  std::string udp;                 // HOST:PORT; empty: no UDP socket
  bool allow_remote_udp = false;   // permit a non-loopback UDP bind
  // Answered UDP requests per second (and at once): from each source address, and from all.
  std::int64_t udp_per_source_per_second = 10;
  std::int64_t udp_overall_per_second = 50;
};

struct ControlCounters {
  std::uint64_t answered = 0;
  std::uint64_t ignored = 0;        // not a status request
  std::uint64_t too_small = 0;      // UDP request shorter than the reply would be
  std::uint64_t rate_limited_source = 0;   // UDP requests over their source address's rate
  std::uint64_t rate_limited_overall = 0;  // UDP requests within it, but over the rate of all
  std::uint64_t send_failed = 0;    // answers that could not be sent (a client that does not read)
  std::uint64_t too_large = 0;      // a page longer than any datagram (refused with an error)
};

class ControlSocket {
 public:
  // The size clocksyncctl pads a UDP status request to; a reply never exceeds the request.
  static constexpr std::size_t kUdpRequestSize = 8192;
  // The longest answer on either socket: the largest UDP payload over IPv4. Unix datagrams could be
  // longer, but one page size for both keeps a client's buffer the same.
  static constexpr std::size_t kMaxReplyBytes = 65507;

  ControlSocket() = default;
  ~ControlSocket();
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  std::optional<std::string> open(const ControlConfig& config);
  // Why `path` cannot become a control socket: a file there that is not a socket, or a socket that
  // a running process still answers on (a second daemon must not take a live one over). Nullopt
  // when the path is free or holds the socket file of a run that has ended, which open() replaces.
  static std::optional<std::string> path_problem(const std::string& path);
  int unix_fd() const { return unix_fd_; }
  int udp_fd() const { return udp_.fd(); }
  std::uint16_t udp_port() const { return udp_.fd() >= 0 ? udp_.local_port() : 0; }
  const std::string& unix_path() const { return config_.unix_path; }

  // Answers the requests queued on `fd` (at most 64 per call) with `answer(peers_from, max_bytes)`:
  // the page of the status answer that starts at member `peers_from`, at most `max_bytes` long
  // (over UDP the request's own size, so that no answer is larger than what asked for it).
  using Answer = std::function<std::string(std::size_t peers_from, std::size_t max_bytes)>;
  void serve(int fd, const Answer& answer, node::MonoTime now);
  const ControlCounters& counters() const { return counters_; }

 private:
  ControlConfig config_;
  int unix_fd_ = -1;
  bool unlink_on_close_ = false;
  UdpSocket udp_;
  std::optional<StatusRateLimit> udp_rate_;
  ControlCounters counters_;
};

}  // namespace clocksim::daemon
