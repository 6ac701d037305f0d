// Copyright (c) the Ferry authors.
//
// The lease on a run's target: one run (or rollback, or restore) writes a
// target at a time, whatever the working directory, --state or spelling of
// the target of the others.
//
//   PostgreSQL table  a row of ferry.target_leases in the TARGET database,
//                     keyed by the table as the server resolves it
//                     (schema.table), so any user, host name or state
//                     reaching that database sees it. Expiry is judged by the
//                     database's clock. The row names the backend (pid and
//                     backend_start) of the connection that renews it: a new
//                     run takes the lease over when it expired, or when that
//                     session is gone from pg_stat_activity (the database's
//                     own view that the holder is gone; a dead pid on this
//                     host only makes it wait up to 2 s for the database to
//                     notice, never take over).
//   SQLite table      an open-file-description lock on one byte of the
//                     database file, derived from the table (store/file_lock.h),
//                     taken before SQLite opens the file and dropped by the
//                     kernel when the holder dies; plus a row in ferry_leases
//                     inside the file naming the holder (read, when a run is
//                     refused, without opening the file's log). No expiry:
//                     while the holder's process exists, it holds the lease.
//   file              a row of the state's `leases` (StateStore::AcquireLease),
//                     keyed by the target's real path.
//
// Table targets also mirror their lease into the run's state (`leases`), so
// that `ferry status` there shows it; the mirror decides nothing.
//
// A thread renews the lease every third of its time to live, on its own
// connection; lost() turns true once another run took it over (renewal
// fails with LOCKED). Checkpoints are fenced separately by their owner
// token (CheckpointTable::Save).

#ifndef FERRY_STORE_TARGET_LEASE_H_
#define FERRY_STORE_TARGET_LEASE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ferry/result.h"
#include "store/store.h"

namespace ferry::internal {

class StateStore;

struct LeaseRequest {
  std::string run_id;  // named to whoever is refused
  std::string owner;   // this process's token
  int64_t ttl_ms = 30000;
};

// One kind of lease (above); implementations in target_lease.cc.
class LeaseHolder {
 public:
  virtual ~LeaseHolder() = default;
  // LOCKED naming the holder when another run has the lease; *took_over is
  // set when a gone or expired holder's lease was taken.
  virtual Status Acquire(const LeaseRequest& request, std::string* took_over) = 0;
  // Extends the lease; LOCKED when it was taken over.
  virtual Status Renew(const LeaseRequest& request) = 0;
  virtual void Release(const LeaseRequest& request) = 0;
};

class TargetLease {
 public:
  // Takes the lease on `target` and starts renewing it. `state` is the run's
  // state: file targets keep their lease there, table targets mirror it.
  static Result<std::unique_ptr<TargetLease>> Acquire(const StoreUri& target, const StateStore& state,
                                                      const LeaseRequest& request, std::string* took_over);
  // Stops renewing and releases the lease.
  ~TargetLease();
  TargetLease(const TargetLease&) = delete;
  TargetLease& operator=(const TargetLease&) = delete;

  bool lost() const { return lost_.load(); }
  // Renews now (before publishing); LOCKED when the lease was taken over.
  Status Renew();

 private:
  TargetLease(std::unique_ptr<LeaseHolder> holder, std::unique_ptr<StateStore> mirror, std::string resource,
              LeaseRequest request);
  void RenewLoop();
  void Mirror();

  std::unique_ptr<LeaseHolder> holder_;
  std::unique_ptr<StateStore> mirror_;  // null for file targets
  std::string resource_;                // the target's identity (the mirror's key)
  LeaseRequest request_;
  std::mutex mu_;  // one user of the connections at a time
  std::condition_variable cv_;
  bool stop_ = false;
  std::atomic<bool> lost_{false};
  std::thread thread_;
};

}  // namespace ferry::internal

#endif  // FERRY_STORE_TARGET_LEASE_H_
