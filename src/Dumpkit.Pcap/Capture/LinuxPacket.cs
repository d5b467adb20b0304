// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace Dumpkit.Pcap.Capture;

/// <summary>
/// The libc calls and kernel constants behind AF_PACKET capture (linux/if_packet.h, linux/if_arp.h,
/// linux/sockios.h). Blittable arguments only, so the calls are NativeAOT-safe.
/// </summary>
internal static unsafe partial class LinuxPacket
{
    public const int AfPacket = 17, SockRaw = 3, SockDgram = 2, SockCloexec = 0x80000;
    public const ushort EthPAll = 0x0003;
    public const int SolPacket = 263;
    public const int PacketAddMembership = 1, PacketRxRing = 5, PacketStatistics = 6, PacketAuxData = 8,
        PacketVersion = 10;
    public const int PacketMrPromisc = 1;
    public const int TpacketV3 = 2;
    public const byte PacketHost = 0, PacketOutgoing = 4;

    // tpacket_hdr_v1.block_status / tpacket3_hdr.tp_status bits
    public const uint TpStatusKernel = 0, TpStatusUser = 1, TpStatusVlanValid = 0x10, TpStatusVlanTpidValid = 0x40;

    public const ushort ArphrdEther = 1, ArphrdLoopback = 772, ArphrdNone = 65534;
    public const uint SiocGIfHwAddr = 0x8927, SiocGIfIndex = 0x8933, SiocGStampNs = 0x8907;

    public const short PollIn = 0x001, PollErr = 0x008, PollHup = 0x010, PollNval = 0x020;
    public const int ProtRead = 1, ProtWrite = 2, MapShared = 1;
    public const int Eintr = 4, Eagain = 11, Enodev = 19, Eperm = 1, Eacces = 13, Enxio = 6, Enetdown = 100;

    /// <summary>struct tpacket_req3.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TpacketReq3
    {
        public uint BlockSize, BlockNr, FrameSize, FrameNr, RetireBlkTov, SizeofPriv, FeatureReqWord;
    }

    /// <summary>struct sockaddr_ll (20 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockaddrLl
    {
        public ushort Family;
        public ushort Protocol;     // network byte order
        public int IfIndex;
        public ushort HaType;
        public byte PktType;
        public byte HaLen;
        public fixed byte Addr[8];
    }

    /// <summary>struct packet_mreq.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PacketMreq
    {
        public int IfIndex;
        public ushort Type;
        public ushort ALen;
        public fixed byte Address[8];
    }

    public const int SolSocket = 1, SoAttachFilter = 26, SoDetachFilter = 27, MsgDontwait = 0x40, MsgTrunc = 0x20;

    /// <summary>struct sock_fprog: a classic BPF program for SO_ATTACH_FILTER.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockFprog
    {
        public ushort Len;
        public Filter.BpfInstruction* Insns;
    }

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Len;
    }

    /// <summary>struct msghdr (LP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLen;
        public IoVec* Iov;
        public nuint IovLen;
        public byte* Control;
        public nuint ControlLen;
        public int Flags;
    }

    /// <summary>struct timespec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Sec, Nsec;
    }

    // Offsets inside the mapped ring (struct tpacket_block_desc / tpacket_hdr_v1, struct tpacket3_hdr).
    public const int BlockStatus = 8, BlockNumPkts = 12, BlockFirstPkt = 16;
    public const int HdrNextOffset = 0, HdrSec = 4, HdrNsec = 8, HdrSnapLen = 12, HdrLen = 16, HdrStatus = 20,
        HdrMac = 24, HdrVlanTci = 32, HdrVlanTpid = 36;
    /// <summary>TPACKET_ALIGN(sizeof(struct tpacket3_hdr)): where the sockaddr_ll follows the header.</summary>
    public const int HdrSockaddr = 48;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int bind(int fd, SockaddrLl* addr, uint len);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setsockopt(int fd, int level, int name, void* value, uint len);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int getsockopt(int fd, int level, int name, void* value, uint* len);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int ioctl(int fd, nuint request, void* arg);

    [LibraryImport("libc", SetLastError = true)]
    public static partial void* mmap(void* addr, nuint len, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int munmap(void* addr, nuint len);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint n, int timeoutMs);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recvmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recv(int fd, void* buf, nuint len, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, void* buf, nuint len);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int getpagesize();

    [LibraryImport("libc", SetLastError = true)]
    public static partial int getifaddrs(byte** ifap);

    [LibraryImport("libc")]
    public static partial void freeifaddrs(byte* ifa);

    [LibraryImport("libc", SetLastError = true)]
    private static partial byte* if_indextoname(uint index, byte* name);

    /// <summary>The name of interface <paramref name="index"/> in the calling thread's network namespace, or null.</summary>
    public static string? IndexToName(uint index)
    {
        byte* name = stackalloc byte[16];
        if (if_indextoname(index, name) == null) return null;
        return Marshal.PtrToStringUTF8((nint)name);
    }

    /// <summary>An ioctl on an interface by name (struct ifreq, 40 bytes); returns the ifreq's union part or -errno.</summary>
    public static int IfReq(int fd, uint request, string iface, Span<byte> result)
    {
        byte* ifr = stackalloc byte[40];
        new Span<byte>(ifr, 40).Clear();
        int n = System.Text.Encoding.UTF8.GetBytes(iface, new Span<byte>(ifr, 15));
        ifr[n] = 0;
        if (ioctl(fd, request, ifr) != 0) return -Marshal.GetLastPInvokeError();
        new Span<byte>(ifr + 16, 24)[..Math.Min(24, result.Length)].CopyTo(result);
        return 0;
    }

    public static string Error(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
