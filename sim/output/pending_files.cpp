#include "sim/output/pending_files.hpp"

#include <climits>
#include <csignal>
#include <cstring>
#include <unistd.h>

#include <atomic>

namespace clocksim::sim {
namespace {

// A slot is claimed (kFree -> kFilling), its path copied, then published (kReady). The signal
// handler reads only kReady slots, with lock-free atomics and unlink(), both async-signal-safe;
// that is why the paths live in fixed buffers and not in heap strings that another thread could
// free while the handler reads them.
enum SlotState : int { kFree = 0, kFilling = 1, kReady = 2 };

struct Slot {
  std::atomic<int> state{kFree};
  bool folder;  // written before the slot is published (kReady), read only after
  char path[PATH_MAX];
};
static_assert(std::atomic<int>::is_always_lock_free);

// Process-wide by necessity: a signal handler can reach no other state. Zero-initialised, so it
// costs no start-up work and its pages are touched only when used.
constinit Slot g_slots[kMaxPendingFiles];
// Set by the handler before it looks at the slots. Sequentially consistent, with the slots'
// publication and the check in created(): a file is either seen by the handler after it exists,
// or its creator sees this flag afterwards and removes it itself.
constinit std::atomic<bool> g_dying{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void remove_pending_and_die(int sig) {
  g_dying.store(true, std::memory_order_seq_cst);
  for (Slot& s : g_slots) {
    if (s.state.load(std::memory_order_seq_cst) == kReady && !s.folder) ::unlink(s.path);
  }
  // Folders nest (out/a/b): a pass removes those already empty, which may empty their parents;
  // rmdir takes an empty folder only, so a folder holding any kept file stays.
  bool removed = true;
  for (std::size_t pass = 0; removed && pass < kMaxPendingFiles; ++pass) {
    removed = false;
    for (Slot& s : g_slots) {
      if (s.state.load(std::memory_order_seq_cst) == kReady && s.folder && s.path[0] != '\0' && ::rmdir(s.path) == 0) {
        s.path[0] = '\0';
        removed = true;
      }
    }
  }
  // The handler was installed with SA_RESETHAND, so the disposition is the default again, and the
  // signal stays blocked until the handler returns: raising it now ends the process as the
  // signal would have, exit status included.
  ::raise(sig);
}

}  // namespace

PendingFile::PendingFile(const std::string& path, PendingKind kind) {
  if (path.size() >= PATH_MAX) return;
  for (std::size_t i = 0; i < kMaxPendingFiles; ++i) {
    int expected = kFree;
    if (!g_slots[i].state.compare_exchange_strong(expected, kFilling, std::memory_order_acquire)) continue;
    g_slots[i].folder = kind == PendingKind::kFolderIfEmpty;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].state.store(kReady, std::memory_order_seq_cst);
    slot_ = i;
    return;
  }
}

PendingFile::~PendingFile() { release(); }

void PendingFile::created() {
  if (slot_ == kNoSlot || !g_dying.load(std::memory_order_seq_cst)) return;
  ::unlink(g_slots[slot_].path);
  // The handler raises the signal again with its default action, which ends the whole process;
  // until then this thread must create, write and rename nothing.
  for (;;) ::pause();
}

void PendingFile::release() {
  if (slot_ == kNoSlot) return;
  g_slots[slot_].state.store(kFree, std::memory_order_release);
  slot_ = kNoSlot;
}

void remove_pending_files_on_signals() {
  struct sigaction action {};
  action.sa_handler = remove_pending_and_die;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) {
    struct sigaction old {};
    // A signal the parent chose to ignore (nohup, a shell's background job) stays ignored.
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(sig, &action, nullptr);
  }
  std::signal(SIGXFSZ, SIG_IGN);
}

void mark_pending_file_removal_started() { g_dying.store(true, std::memory_order_seq_cst); }

std::size_t pending_file_count() {
  std::size_t n = 0;
  for (const Slot& s : g_slots) n += s.state.load(std::memory_order_acquire) == kReady;
  return n;
}

}  // namespace clocksim::sim
