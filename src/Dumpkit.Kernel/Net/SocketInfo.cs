// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;

namespace Dumpkit.Kernel.Net;

/// <summary>
/// A socket behind a socket inode: the <c>struct socket</c> (the inode minus <c>socket_alloc.vfs_inode</c>), its
/// <c>sk</c>, the family (<c>skc_family</c>) and type (<c>sk_type</c>), and the IPv4 ends (<c>skc_rcv_saddr</c>,
/// <c>inet_sport</c>, <c>skc_daddr</c>, <c>skc_dport</c>; ports in network order as stored).
/// </summary>
public sealed record SocketInfo(ulong Socket, ulong Sock, ushort Family, ushort Type, uint SourceAddress, ushort SourcePort,
    uint DestinationAddress, ushort DestinationPort);

/// <summary>Reads <see cref="SocketInfo"/> with BTF's offsets.</summary>
public sealed class SocketReader
{
    private readonly KernelMemory _memory;
    private readonly ulong _vfsInode, _socketSk, _family, _type, _daddr, _rcvSaddr, _dport, _sport;

    public SocketReader(KernelMemory memory, BtfTypes types)
    {
        _memory = memory;
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        _vfsInode = Offset("socket_alloc.vfs_inode");
        _socketSk = Offset("socket.sk");
        _family = Offset("sock.__sk_common") + Offset("sock_common.skc_family");
        _type = Offset("sock.sk_type");
        ulong common = Offset("inet_sock.sk") + Offset("sock.__sk_common");
        _daddr = common + Offset("sock_common.skc_daddr");
        _rcvSaddr = common + Offset("sock_common.skc_rcv_saddr");
        _dport = common + Offset("sock_common.skc_dport");
        _sport = Offset("inet_sock.inet_sport");
    }

    /// <summary>The socket of a socket inode (S_IFSOCK).</summary>
    public SocketInfo Read(ulong inode)
    {
        ulong socket = inode - _vfsInode;
        ulong sk = _memory.ReadU64(socket + _socketSk, "socket buffer");
        if (sk == 0)
            return new SocketInfo(socket, 0, 0, 0, 0, 0, 0, 0);
        ushort family = U16(sk + _family);
        ushort type = U16(sk + _type);
        if (family != 2)
            return new SocketInfo(socket, sk, family, type, 0, 0, 0, 0);
        return new SocketInfo(socket, sk, family, type, U32(sk + _rcvSaddr), U16(sk + _sport), U32(sk + _daddr), U16(sk + _dport));
    }

    private ushort U16(ulong address)
    {
        Span<byte> b = stackalloc byte[2];
        _memory.ReadVirtual(address, b, "inet_sock buffer");
        return (ushort)(b[0] | b[1] << 8);
    }

    private uint U32(ulong address) =>
        _memory.TryReadU32(address, out uint v) ? v : throw new KernelAddressException(address, "inet_sock buffer");
}
