// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Pcap.Capture;

namespace Dumpkit.Pcap.Filter;

/// <summary>What a filter is compiled for.</summary>
/// <param name="LinkType">The packets' LINKTYPE_ value (see <see cref="LinkTypes"/>).</param>
/// <param name="SnapLen">The snapshot length: what an accepting program returns.</param>
public sealed record FilterTarget(int LinkType, int SnapLen = SnapLength.Maximum)
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
public static class FilterCompiler
{
    /// <summary>
    /// Compiles <paramref name="expr"/> for <paramref name="target"/>, optimized unless <paramref name="optimize"/>
    /// is false (tcpdump's -O); names are looked up in /etc and then the resolver. Throws
    /// <see cref="FilterException"/> with libpcap's message when the expression is wrong.
    /// </summary>
    public static BpfInstruction[] Compile(string expr, FilterTarget target, bool optimize) => Compile(expr, target, optimize, null);

    /// <summary>As the public overload, with the host, service, protocol and network names taken from <paramref name="names"/>.</summary>
    internal static BpfInstruction[] Compile(string expr, FilterTarget target, bool optimize, Names? names)
    {
        if (expr.Length <= DeepExpressionLength) return CompileHere(expr, target, optimize, names);
        // A long expression may nest up to libpcap's 10,000 parser states, a few frames of recursion each in the
        // parser and the code generator: compiled on a thread whose stack holds that whatever the caller's holds
        // (a thread-pool thread has 1.5 MiB). The parser still checks the stack it has left.
        BpfInstruction[]? result = null;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var t = new Thread(() =>
        {
            try { result = CompileHere(expr, target, optimize, names); }
            catch (Exception ex) { failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex); }
        }, DeepStackBytes) { Name = "pcap_compile", IsBackground = true };
        t.Start();
        t.Join();
        failure?.Throw();
        return result!;
    }

    /// <summary>Expressions longer than this are compiled on a thread of <see cref="DeepStackBytes"/>.</summary>
    private const int DeepExpressionLength = 2000;

    private const int DeepStackBytes = 256 << 20;

    private static BpfInstruction[] CompileHere(string expr, FilterTarget target, bool optimize, Names? names)
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
