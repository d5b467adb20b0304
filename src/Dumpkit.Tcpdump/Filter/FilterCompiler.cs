namespace Dumpkit.Tcpdump.Filter;

/// <summary>What to compile for.</summary>
internal sealed record FilterTarget(int LinkType, int SnapLen = 262144)
{
    /// <summary>Netmask of the capture network for "ip broadcast" (null: unknown).</summary>
    public uint? Netmask { get; init; }
    /// <summary>Compiling for a savefile (libpcap: p->rfile != NULL).</summary>
    public bool FromFile { get; init; }
    /// <summary>The savefile's byte order is not ours.</summary>
    public bool Swapped { get; init; }
    /// <summary>Linux socket-filter extensions ([vlanp], [vlan_tci]) may be used: live capture.</summary>
    public bool LinuxExtensions { get; init; }
}

/// <summary>pcap_compile: pcap-filter expression to classic BPF, with libpcap 1.10's code shape.</summary>
internal static class FilterCompiler
{
    /// <summary>Compiles expr; throws <see cref="FilterException"/> with libpcap's message on error.</summary>
    public static BpfInstruction[] Compile(string expr, FilterTarget target, bool optimize, Names? names = null)
    {
        var g = new CodeGen(target.LinkType, target.SnapLen, target.Netmask, target.FromFile, target.Swapped,
            target.LinuxExtensions, names ?? new Names());
        var b = Parser.Parse(expr, g);
        Block root = b == null ? g.RetBlock((uint)target.SnapLen) : g.Finish(b);
        if (optimize && !g.NoOptimize)
        {
            root = Optimizer.Optimize(root);
            if (root.IsReturn && root.Code == (Bpf.Ret | Bpf.K) && root.K == 0)
                throw new FilterException("expression rejects all packets");
        }
        return Linearizer.Linearize(root);
    }
}
