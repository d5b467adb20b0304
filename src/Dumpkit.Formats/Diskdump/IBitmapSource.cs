// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats.Diskdump;

/// <summary>Makes the two bitmaps of a dump one window (cycle) at a time.</summary>
public interface IBitmapSource
{
    /// <summary>
    /// Set, in two windows over the same frames, the frames that exist (<paramref name="ram"/>)
    /// and the frames to dump (<paramref name="dumpable"/>). Called once per cycle while counting
    /// (<paramref name="firstPass"/>) and again per cycle while writing when there is more than one.
    /// </summary>
    void Fill(PfnBitmap ram, PfnBitmap dumpable, bool firstPass);

    /// <summary>Pass 1 is over (statistics gathered from here on would count pages twice).</summary>
    void Counted() { }
}

/// <summary>Bitmaps already whole in memory, served window by window.</summary>
public sealed class WholeBitmaps(PfnBitmap ram, PfnBitmap dumpable) : IBitmapSource
{
    public void Fill(PfnBitmap ramWindow, PfnBitmap dumpableWindow, bool firstPass)
    {
        Copy(ram, ramWindow);
        Copy(dumpable, dumpableWindow);
    }

    private static void Copy(PfnBitmap from, PfnBitmap to)
    {
        foreach (var run in from.Runs(to.First, to.Frames))
            to.SetRange(run.Start, run.End);
    }
}
