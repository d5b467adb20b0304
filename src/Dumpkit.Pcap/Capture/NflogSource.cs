// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Pcap.Capture;

/// <summary>
/// Live capture of netfilter log messages (<c>-i nflog</c>, <c>-i nflog:GROUP[,GROUP...]</c>): a NETLINK_NETFILTER socket
/// bound to the NFLOG groups in packet-copy mode, as libpcap's netfilter source sets it up. Each log message is delivered
/// whole (LINKTYPE_NFLOG: the nfgenmsg header and its TLVs) or, with <c>-y IPV4</c>, only its NFULA_PAYLOAD attribute.
/// </summary>
public sealed class NflogSource : NetfilterSource
{
    private const ushort SubsysUlog = 4, MsgPacket = 0, MsgConfig = 1;
    private const byte CmdBind = 1, CmdPfBind = 3, CmdPfUnbind = 4, CopyPacket = 2;
    private const ushort AttrCfgCmd = 1, AttrCfgMode = 2, AttrPayload = 9;

    /// <summary>True when <paramref name="device"/> names a netfilter log device (<c>nflog</c> or <c>nflog:...</c>).</summary>
    public static bool IsNflog(string device) => Matches(device, "nflog");

    /// <summary>The link types -L lists: NFLOG, IPV4.</summary>
    public override int[] DataLinks { get; } = [LinkTypes.Nflog, LinkTypes.Ipv4];

    private protected override ushort PacketMessage => SubsysUlog << 8 | MsgPacket;

    private protected override ushort PayloadAttribute => AttrPayload;

    /// <summary>
    /// Parses the groups, opens and binds the socket. Throws <see cref="CaptureException"/> with libpcap's message.
    /// <paramref name="linkTypeName"/> (-y) may be NFLOG or IPV4.
    /// </summary>
    public NflogSource(string device, int snapLen, string? linkTypeName, long bufferSizeKb, CancellationToken cancel)
        : base(device, 5, snapLen, [LinkTypes.Nflog, LinkTypes.Ipv4], cancel, out var groups)
    {
        try
        {
            Config(0, CmdPfUnbind, 2 /* AF_INET */, "NFULNL_CFG_CMD_PF_UNBIND");
            Config(0, CmdPfBind, 2, "NFULNL_CFG_CMD_PF_BIND");
            Span<byte> mode = stackalloc byte[6];
            foreach (ushort g in groups)
            {
                Config(g, CmdBind, 0, "Can't listen on group index");
                BinaryPrimitives.WriteUInt32BigEndian(mode, (uint)SnapLen);
                mode[4] = CopyPacket;
                mode[5] = 0;
                if (!Send(SubsysUlog << 8 | MsgConfig, 0, g, AttrCfgMode, mode, true, out int e))
                    throw new CaptureException($"NFULNL_COPY_PACKET: {LinuxPacket.Error(e)}");
            }
            Finish(bufferSizeKb);
            if (linkTypeName != null) SetLinkType(linkTypeName);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Config(ushort group, byte cmd, byte family, string what)
    {
        Span<byte> data = [cmd];
        if (!Send(SubsysUlog << 8 | MsgConfig, family, group, AttrCfgCmd, data, true, out int e))
            throw new CaptureException($"{what}: {LinuxPacket.Error(e)}");
    }
}
