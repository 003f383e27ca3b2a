/* ksbridge.sys: the kernel half of the Windows lane's KS bridge (see
 * docs/windows.md, "The bridge"). It reflects every request a client sends to
 * a bridge filter device to the user-mode server (ksbridge-server.exe, the
 * emulator) -- an "inverted call": the server keeps IOCTL_KSB_NEXT_REQUEST
 * pending on the control device and answers with IOCTL_KSB_COMPLETE.
 *
 * Freestanding C: it imports only ntoskrnl.exe, or Wine loads it as a DLL.
 *
 * Facts about Wine's ntoskrnl this file relies on (dlls/ntoskrnl.exe/ntoskrnl.c,
 * Wine 8):
 *  - Every IRP is dispatched on one thread (wine_ntoskrnl_main_loop), and so are
 *    cancel routines: the lists below need no lock. IoAcquireCancelSpinLock is a stub.
 *  - dispatch_irp_completion sends IoStatus.Information bytes of the output
 *    buffer (UserBuffer, or the METHOD_BUFFERED SystemBuffer) back for any
 *    status >= 0, without checking them against the buffer's size: an
 *    Information larger than the output buffer reads past a heap block and
 *    faults winedevice.exe. CompleteClientIrp clamps it.
 *  - For status < 0 (errors and warnings) no Information reaches the client.
 *  - METHOD_NEITHER/DIRECT output buffers are heap copies (UserBuffer), copied
 *    back at completion; METHOD_BUFFERED uses SystemBuffer for both directions.
 *  - IRP_MJ_CLOSE comes once, when the last handle closes (no IRP_MJ_CLEANUP);
 *    the FILE_OBJECT is freed when the close completes, so nothing here keeps a
 *    FILE_OBJECT pointer past its close: requests remember the file's id.
 *  - The Io*Csq* routines, IoGetRequestorProcessId, MmCopyVirtualMemory and
 *    KeStackAttachProcess are stubs that abort winedevice.exe: not used. */
#include <ntddk.h>

#include "../bridge_protocol.h"

#define KSB_TAG 0x6273624Bu /* 'Kbsb' */

enum { KSB_CONTROL_DEVICE = 1, KSB_FILTER_DEVICE = 2 };

typedef struct KSB_DEVICE_EXTENSION {
  ULONG kind;
  ULONG deviceIndex;
  WCHAR dosName[64];
} KSB_DEVICE_EXTENSION;

/* A client IRP (kind KSB_MSG_IOCTL) or a notification for the server. */
typedef struct KSB_REQUEST {
  LIST_ENTRY link;
  PIRP irp;            /* NULL for notifications */
  uint64_t id;
  uint64_t fileId;
  uint32_t kind;
  uint32_t code;
  uint32_t deviceIndex;
  uint32_t pid;
  uint32_t inputLength;
  uint32_t outputLength;
  BOOLEAN delivered;   /* the server has seen it (it is on g_inFlight) */
  UCHAR* bytes;        /* input then output copy; freed once delivered */
} KSB_REQUEST;

static LIST_ENTRY g_undelivered; /* requests and notifications the server has not read */
static LIST_ENTRY g_inFlight;    /* client requests the server has read and not completed */
static LIST_ENTRY g_waiters;     /* the server's pending IOCTL_KSB_NEXT_REQUEST IRPs */
static uint64_t g_nextId = 1;
static uint64_t g_serverFileId; /* 0: no server */
static PDRIVER_OBJECT g_driver;

static void CopyBytes(void* to, const void* from, SIZE_T n) {
  UCHAR* t = (UCHAR*)to;
  const UCHAR* f = (const UCHAR*)from;
  while (n-- > 0) *t++ = *f++;
}

static void ZeroBytes(void* to, SIZE_T n) {
  volatile UCHAR* t = (volatile UCHAR*)to;
  while (n-- > 0) *t++ = 0;
}

static uint64_t FileIdOf(PIO_STACK_LOCATION stack) {
  return stack->FileObject ? (uint64_t)(ULONG_PTR)stack->FileObject->FsContext : 0;
}

/* Wine 8.0 can hand IoCancelIrp an IRP it has already freed: a client's
 * cancel (CancelIoEx, a close) queues an IRP_CALL_CANCEL naming the IRP, and
 * wineserver delivers it even when the driver completed the IRP in between
 * (server/device.c: cancel_irp_call queues it; set_irp_result does not take it
 * back). Traced with WINEDEBUG=+seh,+ntoskrnl: IoFreeIrp P ... dispatch_cancel P
 * -> IoCancelIrp(P) -> a page fault calling the "cancel routine" read from
 * whatever reused P's memory, which killed winedevice.exe (the server then
 * sees its control device deleted: error 5). So the memory of each client
 * request this driver completes is taken back at once from the heap, zeroed
 * -- a NULL CancelRoutine, so a late IoCancelIrp only sets Cancel and returns
 * -- and held in a ring of the last KSB_QUARANTINE blocks before it is freed
 * for good. The heap does not always hand the block just freed to the next
 * allocation of its size, so the driver asks up to KSB_RECLAIM_TRIES times
 * (over the lifetime, lane and capture tests 99.3 % came back; the server
 * prints the count when it stops). Only clients' requests: nothing cancels
 * the server's own, or creates and closes, late. */
#define KSB_QUARANTINE 256
#define KSB_RECLAIM_TRIES 256
static void* g_quarantine[KSB_QUARANTINE];
static ULONG g_quarantineNext;
static KSB_DRIVER_STATS g_stats;

static void Quarantine(PIRP irp, USHORT size) {
  void* others[KSB_RECLAIM_TRIES];
  ULONG tries = 0, i;
  volatile UCHAR* block = NULL;
  ++g_stats.completed;
  if (size == 0) return;
  while (tries < KSB_RECLAIM_TRIES) {
    void* b = ExAllocatePoolWithTag(NonPagedPool, size, KSB_TAG);
    if (b == NULL) break;
    if (b == (void*)irp) {
      block = (volatile UCHAR*)b;
      break;
    }
    others[tries++] = b;
  }
  for (i = 0; i < tries; ++i) ExFreePoolWithTag(others[i], KSB_TAG);
  if (block == NULL) return;
  ++g_stats.reclaimed;
  for (i = 0; i < size; ++i) block[i] = 0;
  if (g_quarantine[g_quarantineNext] != NULL) ExFreePoolWithTag(g_quarantine[g_quarantineNext], KSB_TAG);
  g_quarantine[g_quarantineNext] = (void*)block;
  g_quarantineNext = (g_quarantineNext + 1) % KSB_QUARANTINE;
}

static NTSTATUS CompleteIrp(PIRP irp, NTSTATUS status, ULONG_PTR information) {
  irp->IoStatus.Status = status;
  irp->IoStatus.Information = information;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
  return status;
}

/* A client's request: completed, then its memory quarantined. */
static NTSTATUS CompleteRequestIrp(PIRP irp, NTSTATUS status, ULONG_PTR information) {
  USHORT size = irp->Size;  /* IoAllocateIrp's allocation size, read before the IRP is freed */
  CompleteIrp(irp, status, information);
  Quarantine(irp, size);
  return status;
}

static void FreeRequest(KSB_REQUEST* r) {
  if (r->bytes) ExFreePoolWithTag(r->bytes, KSB_TAG);
  ExFreePoolWithTag(r, KSB_TAG);
}

/* The output buffer a completion writes to, as Wine's dispatch_ioctl set it up. */
static void* OutputBuffer(PIRP irp, uint32_t code) {
  return (code & 3) == METHOD_BUFFERED ? irp->AssociatedIrp.SystemBuffer : irp->UserBuffer;
}

/* Completes a client request's IRP (its cancel routine already cleared) and frees the record. */
static void CompleteClientIrp(KSB_REQUEST* r, NTSTATUS status, uint32_t information, const UCHAR* out,
                              uint32_t outLength) {
  PIRP irp = r->irp;
  if (status >= 0) {
    void* buffer = OutputBuffer(irp, r->code);
    if (outLength > r->outputLength) outLength = r->outputLength;
    if (buffer && out && outLength) CopyBytes(buffer, out, outLength);
    /* Wine copies back Information bytes for status >= 0: never more than the buffer holds. */
    if (information > r->outputLength) information = r->outputLength;
    if (!buffer) information = 0;
  }
  r->irp = NULL;
  FreeRequest(r);
  CompleteRequestIrp(irp, status, information);
}

static void Deliver(void);

static void Enqueue(KSB_REQUEST* r) {
  InsertTailList(&g_undelivered, &r->link);
  Deliver();
}

static KSB_REQUEST* NewNotification(uint32_t kind, uint64_t fileId, uint64_t requestId) {
  KSB_REQUEST* r = (KSB_REQUEST*)ExAllocatePoolWithTag(NonPagedPool, sizeof *r, KSB_TAG);
  if (!r) return NULL;
  ZeroBytes(r, sizeof *r);
  r->kind = kind;
  r->fileId = fileId;
  r->id = requestId;
  return r;
}

static void NTAPI CancelClientIrp(PDEVICE_OBJECT device, PIRP irp) {
  KSB_REQUEST* r = (KSB_REQUEST*)irp->Tail.Overlay.DriverContext[0];
  UNREFERENCED_PARAMETER(device);
  IoReleaseCancelSpinLock(irp->CancelIrql);
  RemoveEntryList(&r->link);
  if (r->delivered && g_serverFileId) {
    /* The server is working on it: tell it to drop the request. */
    KSB_REQUEST* note = NewNotification(KSB_MSG_CANCEL, r->fileId, r->id);
    if (note) Enqueue(note);
  }
  r->irp = NULL;
  FreeRequest(r);
  CompleteRequestIrp(irp, STATUS_CANCELLED, 0);
}

static void NTAPI CancelWaiter(PDEVICE_OBJECT device, PIRP irp) {
  UNREFERENCED_PARAMETER(device);
  IoReleaseCancelSpinLock(irp->CancelIrql);
  RemoveEntryList(&irp->Tail.Overlay.ListEntry);
  CompleteIrp(irp, STATUS_CANCELLED, 0);
}

/* Hands queued messages to waiting NEXT_REQUEST IRPs. */
static void Deliver(void) {
  while (!IsListEmpty(&g_waiters) && !IsListEmpty(&g_undelivered)) {
    PIRP waiter = CONTAINING_RECORD(g_waiters.Flink, IRP, Tail.Overlay.ListEntry);
    KSB_REQUEST* r = CONTAINING_RECORD(g_undelivered.Flink, KSB_REQUEST, link);
    PIO_STACK_LOCATION ws = IoGetCurrentIrpStackLocation(waiter);
    ULONG room = ws->Parameters.DeviceIoControl.OutputBufferLength;
    ULONG need = sizeof(KSB_MESSAGE) + r->inputLength + r->outputLength;
    KSB_MESSAGE* m;

    if (IoSetCancelRoutine(waiter, NULL) == NULL) return; /* being cancelled: its routine removes it */
    RemoveEntryList(&waiter->Tail.Overlay.ListEntry);
    if (room < need) {
      /* The server's buffer is too small: tell it the size; the message stays queued. */
      CompleteIrp(waiter, STATUS_BUFFER_TOO_SMALL, 0);
      continue;
    }
    RemoveEntryList(&r->link);
    m = (KSB_MESSAGE*)waiter->AssociatedIrp.SystemBuffer;
    m->kind = r->kind;
    m->code = r->code;
    m->requestId = r->id;
    m->fileId = r->fileId;
    m->deviceIndex = r->deviceIndex;
    m->pid = r->pid;
    m->inputLength = r->inputLength;
    m->outputLength = r->outputLength;
    if (r->bytes) CopyBytes(m + 1, r->bytes, r->inputLength + r->outputLength);
    if (r->irp) {
      if (r->bytes) {
        ExFreePoolWithTag(r->bytes, KSB_TAG);
        r->bytes = NULL;
      }
      r->delivered = TRUE;
      InsertTailList(&g_inFlight, &r->link);
    } else {
      FreeRequest(r);
    }
    CompleteIrp(waiter, STATUS_SUCCESS, need);
  }
}

/* Ends every client request, of one file (fileId != 0) or all, with `status`. */
static void FailRequests(LIST_ENTRY* list, uint64_t fileId, NTSTATUS status) {
  LIST_ENTRY* e = list->Flink;
  while (e != list) {
    KSB_REQUEST* r = CONTAINING_RECORD(e, KSB_REQUEST, link);
    e = e->Flink;
    if (fileId != 0 && r->fileId != fileId) continue;
    if (r->irp == NULL) {
      RemoveEntryList(&r->link);
      FreeRequest(r);
      continue;
    }
    if (IoSetCancelRoutine(r->irp, NULL) == NULL) continue; /* its cancel routine ends it */
    RemoveEntryList(&r->link);
    CompleteClientIrp(r, status, 0, NULL, 0);
  }
}

static NTSTATUS AddDevice(PIRP irp, PIO_STACK_LOCATION stack) {
  ULONG length = stack->Parameters.DeviceIoControl.InputBufferLength;
  const KSB_ADD_DEVICE* add = (const KSB_ADD_DEVICE*)irp->AssociatedIrp.SystemBuffer;
  const WCHAR* names;
  ULONG chars, at = 0;
  UNICODE_STRING deviceName;
  PDEVICE_OBJECT device;
  KSB_DEVICE_EXTENSION* ext;
  NTSTATUS status;
  ULONG first = 1;

  if (length < sizeof *add || add->nameChars == 0 ||
      add->nameChars > (length - sizeof *add) / sizeof(WCHAR))
    return CompleteIrp(irp, STATUS_INVALID_PARAMETER, 0);
  names = (const WCHAR*)(add + 1);
  chars = add->nameChars;
  if (names[chars - 1] != 0) return CompleteIrp(irp, STATUS_INVALID_PARAMETER, 0);

  while (at < chars && names[at] != 0) {
    ULONG len = 0;
    UNICODE_STRING name;
    while (names[at + len] != 0) ++len;
    name.Buffer = (PWSTR)(names + at);
    name.Length = (USHORT)(len * sizeof(WCHAR));
    name.MaximumLength = name.Length;
    if (first) {
      deviceName = name;
      status = IoCreateDevice(g_driver, sizeof(KSB_DEVICE_EXTENSION), &deviceName, FILE_DEVICE_KS, 0, FALSE, &device);
      if (!NT_SUCCESS(status)) return CompleteIrp(irp, status, 0);
      ext = (KSB_DEVICE_EXTENSION*)device->DeviceExtension;
      ZeroBytes(ext, sizeof *ext);
      ext->kind = KSB_FILTER_DEVICE;
      ext->deviceIndex = add->deviceIndex;
      device->Flags &= ~DO_DEVICE_INITIALIZING;
      first = 0;
    } else {
      status = IoCreateSymbolicLink(&name, &deviceName);
      if (!NT_SUCCESS(status)) return CompleteIrp(irp, status, 0);
      /* The first \??\ link is the name the ksuser replacement reopens (as \\.\...). */
      if (ext->dosName[0] == 0 && len > 4 && len < 60) {
        ULONG i;
        ext->dosName[0] = L'\\';
        ext->dosName[1] = L'\\';
        ext->dosName[2] = L'.';
        ext->dosName[3] = L'\\';
        for (i = 4; i < len; ++i) ext->dosName[i] = names[at + i];
        ext->dosName[len] = 0;
      }
    }
    at += len + 1;
  }
  return CompleteIrp(irp, first ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS, 0);
}

static NTSTATUS CompleteFromServer(PIRP irp, PIO_STACK_LOCATION stack) {
  ULONG length = stack->Parameters.DeviceIoControl.InputBufferLength;
  const KSB_COMPLETION* c = (const KSB_COMPLETION*)irp->AssociatedIrp.SystemBuffer;
  LIST_ENTRY* e;
  if (length < sizeof *c || c->outputLength > length - sizeof *c) return CompleteIrp(irp, STATUS_INVALID_PARAMETER, 0);
  for (e = g_inFlight.Flink; e != &g_inFlight; e = e->Flink) {
    KSB_REQUEST* r = CONTAINING_RECORD(e, KSB_REQUEST, link);
    if (r->id != c->requestId) continue;
    if (IoSetCancelRoutine(r->irp, NULL) == NULL) break; /* being cancelled */
    RemoveEntryList(&r->link);
    CompleteClientIrp(r, (NTSTATUS)c->status, c->information, (const UCHAR*)(c + 1), c->outputLength);
    return CompleteIrp(irp, STATUS_SUCCESS, 0);
  }
  /* Cancelled or closed meanwhile: the client has its answer already. */
  return CompleteIrp(irp, STATUS_NOT_FOUND, 0);
}

static NTSTATUS ControlIoctl(PIRP irp, PIO_STACK_LOCATION stack) {
  uint64_t fileId = FileIdOf(stack);
  switch (stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_KSB_REGISTER_SERVER:
      if (g_serverFileId != 0 && g_serverFileId != fileId) return CompleteIrp(irp, STATUS_DEVICE_BUSY, 0);
      g_serverFileId = fileId;
      return CompleteIrp(irp, STATUS_SUCCESS, 0);
    case IOCTL_KSB_NEXT_REQUEST:
      if (fileId != g_serverFileId) return CompleteIrp(irp, STATUS_ACCESS_DENIED, 0);
      IoMarkIrpPending(irp);
      InsertTailList(&g_waiters, &irp->Tail.Overlay.ListEntry);
      IoSetCancelRoutine(irp, CancelWaiter);
      if (irp->Cancel && IoSetCancelRoutine(irp, NULL) != NULL) {
        RemoveEntryList(&irp->Tail.Overlay.ListEntry);
        CompleteIrp(irp, STATUS_CANCELLED, 0);
        return STATUS_PENDING;
      }
      Deliver();
      return STATUS_PENDING;
    case IOCTL_KSB_COMPLETE:
      if (fileId != g_serverFileId) return CompleteIrp(irp, STATUS_ACCESS_DENIED, 0);
      return CompleteFromServer(irp, stack);
    case IOCTL_KSB_ADD_DEVICE:
      if (fileId != g_serverFileId) return CompleteIrp(irp, STATUS_ACCESS_DENIED, 0);
      return AddDevice(irp, stack);
    case IOCTL_KSB_DRIVER_STATS: {
      KSB_DRIVER_STATS* out = (KSB_DRIVER_STATS*)irp->AssociatedIrp.SystemBuffer;
      if (stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof *out || out == NULL)
        return CompleteIrp(irp, STATUS_BUFFER_TOO_SMALL, 0);
      *out = g_stats;
      return CompleteIrp(irp, STATUS_SUCCESS, sizeof *out);
    }
    default:
      return CompleteIrp(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  }
}

static NTSTATUS FilterIoctl(PDEVICE_OBJECT device, PIRP irp, PIO_STACK_LOCATION stack) {
  KSB_DEVICE_EXTENSION* ext = (KSB_DEVICE_EXTENSION*)device->DeviceExtension;
  uint32_t code = stack->Parameters.DeviceIoControl.IoControlCode;
  uint32_t inLength = stack->Parameters.DeviceIoControl.InputBufferLength;
  uint32_t outLength = stack->Parameters.DeviceIoControl.OutputBufferLength;
  const void* in;
  KSB_REQUEST* r;

  if (code == IOCTL_KSB_QUERY_OBJECT) {
    KSB_OBJECT_INFO* info = (KSB_OBJECT_INFO*)irp->AssociatedIrp.SystemBuffer;
    if (outLength < sizeof *info || info == NULL) return CompleteIrp(irp, STATUS_BUFFER_TOO_SMALL, 0);
    ZeroBytes(info, sizeof *info);
    info->fileId = FileIdOf(stack);
    info->deviceIndex = ext->deviceIndex;
    CopyBytes(info->dosName, ext->dosName, sizeof ext->dosName);
    return CompleteIrp(irp, STATUS_SUCCESS, sizeof *info);
  }
  /* Never block on the server: without one, fail at once. */
  if (g_serverFileId == 0) return CompleteIrp(irp, STATUS_DEVICE_NOT_CONNECTED, 0);
  if ((uint64_t)inLength + outLength + sizeof(KSB_MESSAGE) > KSB_MAX_MESSAGE)
    return CompleteIrp(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
  in = (code & 3) == METHOD_NEITHER ? stack->Parameters.DeviceIoControl.Type3InputBuffer
                                    : irp->AssociatedIrp.SystemBuffer;

  r = (KSB_REQUEST*)ExAllocatePoolWithTag(NonPagedPool, sizeof *r, KSB_TAG);
  if (!r) return CompleteIrp(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
  ZeroBytes(r, sizeof *r);
  if (inLength + outLength > 0) {
    r->bytes = (UCHAR*)ExAllocatePoolWithTag(NonPagedPool, inLength + outLength, KSB_TAG);
    if (!r->bytes) {
      ExFreePoolWithTag(r, KSB_TAG);
      return CompleteIrp(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    }
    ZeroBytes(r->bytes, inLength + outLength);
    if (inLength && in) CopyBytes(r->bytes, in, inLength);
    /* METHOD_NEITHER/DIRECT: the client's output buffer as it is (stream headers, KSEVENTDATA). */
    if (outLength && (code & 3) != METHOD_BUFFERED && irp->UserBuffer)
      CopyBytes(r->bytes + inLength, irp->UserBuffer, outLength);
  }
  r->irp = irp;
  r->id = g_nextId++;
  r->fileId = FileIdOf(stack);
  r->kind = KSB_MSG_IOCTL;
  r->code = code;
  r->deviceIndex = ext->deviceIndex;
  r->pid = (uint32_t)(ULONG_PTR)PsGetCurrentProcessId();
  r->inputLength = inLength;
  r->outputLength = outLength;
  irp->Tail.Overlay.DriverContext[0] = r;
  IoMarkIrpPending(irp);
  IoSetCancelRoutine(irp, CancelClientIrp);
  if (irp->Cancel && IoSetCancelRoutine(irp, NULL) != NULL) {
    r->irp = NULL;
    FreeRequest(r);
    CompleteIrp(irp, STATUS_CANCELLED, 0);
    return STATUS_PENDING;
  }
  Enqueue(r);
  return STATUS_PENDING;
}

static NTSTATUS NTAPI DispatchCreate(PDEVICE_OBJECT device, PIRP irp) {
  PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
  UNREFERENCED_PARAMETER(device);
  /* A create is only a notification under Wine (the handle exists already);
   * the server learns of the file with its first request. */
  if (stack->FileObject) stack->FileObject->FsContext = (PVOID)(ULONG_PTR)g_nextId++;
  return CompleteIrp(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS NTAPI DispatchClose(PDEVICE_OBJECT device, PIRP irp) {
  KSB_DEVICE_EXTENSION* ext = (KSB_DEVICE_EXTENSION*)device->DeviceExtension;
  PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
  uint64_t fileId = FileIdOf(stack);
  if (ext->kind == KSB_CONTROL_DEVICE) {
    if (fileId != 0 && fileId == g_serverFileId) {
      /* The server is gone: what it was serving fails, as for an unplugged device. */
      g_serverFileId = 0;
      FailRequests(&g_undelivered, 0, STATUS_DEVICE_NOT_CONNECTED);
      FailRequests(&g_inFlight, 0, STATUS_DEVICE_NOT_CONNECTED);
      while (!IsListEmpty(&g_waiters)) {
        PIRP w = CONTAINING_RECORD(g_waiters.Flink, IRP, Tail.Overlay.ListEntry);
        RemoveEntryList(&w->Tail.Overlay.ListEntry);
        if (IoSetCancelRoutine(w, NULL) != NULL) CompleteIrp(w, STATUS_CANCELLED, 0);
      }
    }
    return CompleteIrp(irp, STATUS_SUCCESS, 0);
  }
  /* No IRP_MJ_CLEANUP under Wine: requests still pending on the file end here. */
  FailRequests(&g_undelivered, fileId, STATUS_CANCELLED);
  FailRequests(&g_inFlight, fileId, STATUS_CANCELLED);
  if (g_serverFileId != 0 && fileId != 0) {
    KSB_REQUEST* note = NewNotification(KSB_MSG_CLOSE, fileId, 0);
    if (note) Enqueue(note);
  }
  return CompleteIrp(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS NTAPI DispatchDeviceControl(PDEVICE_OBJECT device, PIRP irp) {
  KSB_DEVICE_EXTENSION* ext = (KSB_DEVICE_EXTENSION*)device->DeviceExtension;
  PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
  if (ext->kind == KSB_CONTROL_DEVICE) return ControlIoctl(irp, stack);
  return FilterIoctl(device, irp, stack);
}

static NTSTATUS NTAPI DispatchOther(PDEVICE_OBJECT device, PIRP irp) {
  UNREFERENCED_PARAMETER(device);
  return CompleteIrp(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registryPath) {
  UNICODE_STRING name, link;
  PDEVICE_OBJECT control;
  KSB_DEVICE_EXTENSION* ext;
  NTSTATUS status;
  ULONG i;
  UNREFERENCED_PARAMETER(registryPath);

  g_driver = driver;
  InitializeListHead(&g_undelivered);
  InitializeListHead(&g_inFlight);
  InitializeListHead(&g_waiters);
  for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; ++i) driver->MajorFunction[i] = DispatchOther;
  driver->MajorFunction[IRP_MJ_CREATE] = DispatchCreate;
  driver->MajorFunction[IRP_MJ_CLOSE] = DispatchClose;
  driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DispatchDeviceControl;

  RtlInitUnicodeString(&name, L"\\Device\\KsBridgeControl");
  status = IoCreateDevice(driver, sizeof(KSB_DEVICE_EXTENSION), &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &control);
  if (!NT_SUCCESS(status)) return status;
  ext = (KSB_DEVICE_EXTENSION*)control->DeviceExtension;
  ZeroBytes(ext, sizeof *ext);
  ext->kind = KSB_CONTROL_DEVICE;
  RtlInitUnicodeString(&link, L"\\??\\KsBridgeControl");
  status = IoCreateSymbolicLink(&link, &name);
  if (!NT_SUCCESS(status)) {
    IoDeleteDevice(control);
    return status;
  }
  control->Flags &= ~DO_DEVICE_INITIALIZING;
  return STATUS_SUCCESS;
}
