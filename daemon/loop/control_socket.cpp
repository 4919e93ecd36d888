#include "daemon/loop/control_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

namespace clocksim::daemon {

ControlSocket::~ControlSocket() {
  if (unix_fd_ >= 0) ::close(unix_fd_);
  if (unlink_on_close_) ::unlink(config_.unix_path.c_str());
}

std::optional<std::string> ControlSocket::path_problem(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  if (!S_ISSOCK(st.st_mode)) return path + ": exists and is not a socket";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return std::nullopt;  // open() refuses it by its length
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int probe = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return std::nullopt;
  // Connecting to a datagram socket's path succeeds only while a process has it bound; the file of
  // a run that has ended gives ECONNREFUSED.
  const bool live = ::connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(probe);
  if (!live) return std::nullopt;
  return "control socket " + path +
         " is in use: a running process (another clocksyncd?) answers on it; stop that one, or give this node a "
         "control path of its own (control: / --control)";
}

std::optional<std::string> ControlSocket::open(const ControlConfig& config) {
  config_ = config;
  if (!config.unix_path.empty()) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (config.unix_path.size() >= sizeof addr.sun_path) return "control socket path is too long: " + config.unix_path;
    std::memcpy(addr.sun_path, config.unix_path.c_str(), config.unix_path.size() + 1);
    // A socket file left by a run that has ended (a crash) is replaced; a live socket and any
    // other file are not touched.
    if (auto e = path_problem(config.unix_path)) return e;
    ::unlink(config.unix_path.c_str());
    unix_fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (unix_fd_ < 0) return std::string("control socket: ") + std::strerror(errno);
    // Created 0660 from the start (no window in which others could connect).
    const mode_t old = ::umask(0117);
    const int rc = ::bind(unix_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    ::umask(old);
    if (rc != 0) return "cannot bind control socket " + config.unix_path + ": " + std::strerror(errno);
    unlink_on_close_ = true;
  }
  if (!config.udp.empty()) {
    auto ep = parse_bind_address(config.udp);
    if (auto* e = std::get_if<std::string>(&ep)) return "status: " + *e;
    const Endpoint& at = std::get<Endpoint>(ep);
    if (!at.addr.is_loopback() && !config.allow_remote_udp) {
      return "status: " + config.udp +
             " is not a loopback address; the status socket answers anyone who can reach it, so a "
             "non-loopback bind needs --allow-remote-status (or use the Unix control socket)";
    }
    auto s = UdpSocket::bind_to(at);
    if (auto* e = std::get_if<std::string>(&s)) return "status: " + *e;
    udp_ = std::move(std::get<UdpSocket>(s));
    udp_rate_.emplace(config.udp_per_second, config.udp_per_second);
  }
  return std::nullopt;
}

void ControlSocket::serve(int fd, const std::function<std::string()>& answer, node::MonoTime now) {
  static constexpr std::string_view kRequest = "status";
  std::vector<std::uint8_t> buf(kUdpRequestSize * 2);
  const bool udp = fd == udp_.fd();
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = ::recvfrom(fd, buf.data(), buf.size(), MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;
    const std::size_t size = static_cast<std::size_t>(n);
    const std::string_view request(reinterpret_cast<const char*>(buf.data()), std::min(size, buf.size()));
    if (request.substr(0, kRequest.size()) != kRequest) {
      ++counters_.ignored;
      continue;
    }
    if (udp && !udp_rate_->allow(now.ns())) {
      ++counters_.rate_limited;
      continue;
    }
    std::string reply = answer();
    if (udp && reply.size() > size) {
      // Never more bytes out than in: a short (spoofable) request gets at most a short error.
      ++counters_.too_small;
      reply = R"({"error":"pad the request to )" + std::to_string(reply.size()) + R"( bytes"})";
      if (reply.size() > size) continue;
    } else {
      ++counters_.answered;
    }
    // A Unix datagram stays charged to the socket that sent it until its receiver reads it, so
    // answers a client never reads would fill the control socket's send buffer and mute it for
    // everyone. Each answer goes out from a socket of its own instead: a client that does not
    // read holds only its own answers, and once its queue is full (net.unix.max_dgram_qlen) the
    // next answer to it is dropped and counted.
    const int out = udp ? -1 : ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const ssize_t sent =
        ::sendto(out >= 0 ? out : fd, reply.data(), reply.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&from), from_len);
    if (out >= 0) ::close(out);
    if (sent < 0) ++counters_.send_failed;
  }
}

}  // namespace clocksim::daemon
