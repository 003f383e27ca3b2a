/* The wire between the bridge's three parts (C, shared by the driver, the
 * server and the ksuser.dll replacement):
 *
 *   client (the Windows backend) --DeviceIoControl--> ksbridge.sys (in Wine's winedevice.exe)
 *      ksbridge.sys --queues, "next request"--> ksbridge-server.exe (the emulator)
 *      ksbridge-server.exe --"complete request id"--> ksbridge.sys --> client
 *
 * Every KS request a client sends to a bridge filter device is reflected as a
 * message; the server answers each with a completion. Private IOCTLs use
 * FILE_DEVICE_UNKNOWN, so they can never collide with KS's (FILE_DEVICE_KS). */
#ifndef KS_BRIDGE_PROTOCOL_H
#define KS_BRIDGE_PROTOCOL_H

#include <stdint.h>

#define KSB_CTL(function, method) ((0x22u << 16) | ((0x900u + (function)) << 2) | (method))
/* Server -> control device. */
#define IOCTL_KSB_REGISTER_SERVER KSB_CTL(1, 0) /* this handle is the server's */
#define IOCTL_KSB_NEXT_REQUEST KSB_CTL(2, 0)    /* out: KSB_MESSAGE + bytes; pends until one is queued */
#define IOCTL_KSB_COMPLETE KSB_CTL(3, 0)        /* in: KSB_COMPLETION + output bytes */
#define IOCTL_KSB_ADD_DEVICE KSB_CTL(4, 0)      /* in: KSB_ADD_DEVICE + UTF-16 names */
#define IOCTL_KSB_DRIVER_STATS KSB_CTL(7, 0)    /* out: KSB_DRIVER_STATS */
/* Client (the ksuser.dll replacement) -> a filter device. */
#define IOCTL_KSB_QUERY_OBJECT KSB_CTL(5, 0) /* out: KSB_OBJECT_INFO; answered by the driver */
#define IOCTL_KSB_BIND KSB_CTL(6, 0)         /* in: KSB_BIND + create payload; reflected */

#define KSB_CONTROL_DOS_NAME L"\\\\.\\KsBridgeControl"
#define KSB_SERVICE_NAME L"ksbridge"

/* The largest message a server reads: a request whose buffers exceed it is
 * refused with STATUS_INSUFFICIENT_RESOURCES. */
#define KSB_MAX_MESSAGE (1024u * 1024u)

enum KsbMessageKind {
  KSB_MSG_IOCTL = 1,  /* a client DeviceIoControl, waiting for its completion */
  KSB_MSG_CLOSE = 2,  /* the client's last handle to fileId closed */
  KSB_MSG_CANCEL = 3, /* requestId was cancelled (and already completed by the driver) */
};

typedef struct KSB_MESSAGE {
  uint32_t kind;
  uint32_t code;         /* IOCTL code */
  uint64_t requestId;
  uint64_t fileId;       /* the client file object (one per CreateFile) */
  uint32_t deviceIndex;  /* which bridge filter device */
  uint32_t pid;          /* the client process */
  uint32_t inputLength;  /* input bytes follow this header */
  uint32_t outputLength; /* then the client's output buffer as it was (zeros for METHOD_BUFFERED) */
} KSB_MESSAGE;

typedef struct KSB_COMPLETION {
  uint64_t requestId;
  uint32_t status;       /* NTSTATUS */
  uint32_t information;  /* IoStatus.Information */
  uint32_t outputLength; /* bytes that follow, copied to the client's output buffer */
  uint32_t reserved;
} KSB_COMPLETION;

typedef struct KSB_ADD_DEVICE {
  uint32_t deviceIndex;
  uint32_t nameChars; /* UTF-16 units that follow: the device name, then each
                         symbolic link name, each NUL-terminated (NT names: \Device\..., \??\...) */
} KSB_ADD_DEVICE;

typedef struct KSB_OBJECT_INFO {
  uint64_t fileId;
  uint32_t deviceIndex;
  uint32_t reserved;
  uint16_t dosName[64]; /* \\.\KsBridgeN: where the ksuser replacement opens a child */
} KSB_OBJECT_INFO;

/* What the driver did with the memory of the client requests it completed (ksbridge.c, Quarantine; docs/windows.md
 * "Streaming through the bridge"). */
typedef struct KSB_DRIVER_STATS {
  uint64_t completed; /* clients' requests (IRPs) the driver completed */
  uint64_t reclaimed; /* of them, those whose freed memory it took back (zeroed) at the IRP's own address */
} KSB_DRIVER_STATS;

enum KsbObjectClass { KSB_PIN = 1, KSB_ALLOCATOR = 2, KSB_CLOCK = 3, KSB_NODE = 4 };

typedef struct KSB_BIND {
  uint64_t parentFileId;
  uint64_t clientHandle; /* the child's handle value in the client (what PinToHandle etc. name) */
  uint32_t objectClass;
  uint32_t desiredAccess;
  /* the create payload follows: KSPIN_CONNECT + format, KSALLOCATOR_FRAMING, ... */
} KSB_BIND;

/* The bridge's own controls, for tests: a property set no driver has, sent
 * to any bridge filter and answered by the server itself (never the emulator).
 * KSPROPSETID_BridgeControl = {C92C19C3-9487-49A8-87AA-4481E29CF56E}. */
#define KSB_PROPERTY_DEVICE_PRESENT 1 /* SET, value KSB_DEVICE_PRESENT: plug a device in or pull it out */

typedef struct KSB_DEVICE_PRESENT {
  uint32_t deviceIndex; /* the bridge device (its interface paths' #NNNN#) */
  uint32_t present;     /* 0: pulled out (as a surprise removal), 1: plugged in */
} KSB_DEVICE_PRESENT;

#endif
