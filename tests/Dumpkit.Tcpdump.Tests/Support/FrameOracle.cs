// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Tests.Support;

/// <summary>
/// The oracle check the printer tests share: generated frames printed by Debian's tcpdump and ours in three captures, each
/// frame whole, cut short at every length from <c>cutFrom</c> on, and <c>changes</c> seeded copies with one or two bytes
/// (from <c>changeFrom</c> on) set to another value; outputs and exit status must be identical.
/// </summary>
internal static class FrameOracle
{
    /// <summary>
    /// The three captures of <paramref name="frames"/> (enumerated once, so a generator may draw from <paramref name="r"/> as
    /// it goes). A changed byte is <paramref name="value"/>'s (default: any) unless <paramref name="keep"/> says its offset
    /// stays; a changed copy's original length may exceed what was captured by up to <paramref name="lengthSlack"/>.
    /// </summary>
    public static void AssertWholeCutChanged(IEnumerable<byte[]> frames, string options, Random r, int cutFrom, int changes,
        int? changeFrom = null, Func<Random, byte>? value = null, Func<int, bool>? keep = null, int lengthSlack = 0,
        int linkType = 1)
    {
        int from = changeFrom ?? cutFrom;
        var whole = new List<(byte[], int)>();
        var cut = new List<(byte[], int)>();
        var changed = new List<(byte[], int)>();
        foreach (var f in frames)
        {
            whole.Add((f, f.Length));
            for (int n = cutFrom; n < f.Length; n++) cut.Add((f[..n], f.Length));
            for (int k = 0; k < changes && f.Length > from; k++)
            {
                var m = (byte[])f.Clone();
                for (int n = r.Next(1, 3); n > 0; n--)
                {
                    int at = r.Next(from, m.Length);
                    if (keep?.Invoke(at) == true) continue;
                    m[at] = value?.Invoke(r) ?? (byte)r.Next(256);
                }
                changed.Add((m, m.Length + (lengthSlack > 0 ? r.Next(lengthSlack + 1) : 0)));
            }
        }
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(whole, linkType), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(cut, linkType), options);
        PrinterOracleTests.AssertSameOutput(PrinterOracleTests.Pcap(changed, linkType), options);
    }
}
