// Copyright (c) the Ferry authors.
#include <cstdlib>
#include <cstring>
#include <new>

#include "ferry/json.h"

namespace ferry {

struct Arena::Block {
  Block* next;
  size_t size;  // usable bytes after the header
  char* data() { return reinterpret_cast<char*>(this + 1); }
};

Arena::Arena(size_t block_size) : block_size_(block_size < 1024 ? 1024 : block_size) {}

Arena::~Arena() {
  while (blocks_ != nullptr) {
    Block* next = blocks_->next;
    std::free(blocks_);
    blocks_ = next;
  }
}

void* Arena::Allocate(size_t n, size_t align) {
  uintptr_t p = reinterpret_cast<uintptr_t>(ptr_);
  uintptr_t aligned = (p + align - 1) & ~(uintptr_t(align) - 1);
  if (ptr_ != nullptr && aligned + n <= reinterpret_cast<uintptr_t>(end_)) {
    ptr_ = reinterpret_cast<char*>(aligned + n);
    used_ += n;
    return reinterpret_cast<void*>(aligned);
  }
  return AllocateSlow(n, align);
}

void* Arena::AllocateSlow(size_t n, size_t align) {
  size_t want = n + align;
  size_t size = want > block_size_ ? want : block_size_;
  void* mem = std::malloc(sizeof(Block) + size);
  if (mem == nullptr) throw std::bad_alloc();
  Block* b = static_cast<Block*>(mem);
  b->size = size;
  if (want > block_size_ && blocks_ != nullptr) {
    // An oversized request gets a block of its own, linked behind the
    // current block so that the current block keeps serving small requests.
    b->next = blocks_->next;
    blocks_->next = b;
  } else {
    b->next = blocks_;
    blocks_ = b;
    ptr_ = b->data();
    end_ = ptr_ + size;
  }
  uintptr_t p = reinterpret_cast<uintptr_t>(b->data());
  uintptr_t aligned = (p + align - 1) & ~(uintptr_t(align) - 1);
  if (b == blocks_) ptr_ = reinterpret_cast<char*>(aligned + n);
  used_ += n;
  return reinterpret_cast<void*>(aligned);
}

std::string_view Arena::CopyString(std::string_view s) {
  // A non-null empty view: callers may pass data() to memcmp/memcpy.
  if (s.empty()) return std::string_view("", 0);
  char* p = static_cast<char*>(Allocate(s.size(), 1));
  std::memcpy(p, s.data(), s.size());
  return std::string_view(p, s.size());
}

void Arena::Reset() {
  if (blocks_ == nullptr) return;
  // Keep the oldest block of the standard size (the last in the list) if any;
  // free all others.
  Block* keep = nullptr;
  Block* b = blocks_;
  while (b != nullptr) {
    Block* next = b->next;
    if (keep == nullptr && next == nullptr && b->size == block_size_) {
      keep = b;
    } else {
      std::free(b);
    }
    b = next;
  }
  blocks_ = keep;
  if (keep != nullptr) {
    keep->next = nullptr;
    ptr_ = keep->data();
    end_ = ptr_ + keep->size;
  } else {
    ptr_ = end_ = nullptr;
  }
  used_ = 0;
}

}  // namespace ferry
