// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;

namespace Dumpkit.Kernel;

/// <summary>
/// Pages excluded per class, counted as makedumpfile counts them: every frame of an excluded range
/// within the requested pfn span, whether or not its bit was set before.
/// </summary>
public sealed class FilterStatistics
{
    private long _cache, _cachePrivate, _user, _free, _hwpoison, _offline, _unreadable;

    public long Cache => Interlocked.Read(ref _cache);
    public long CachePrivate => Interlocked.Read(ref _cachePrivate);
    public long User => Interlocked.Read(ref _user);
    public long Free => Interlocked.Read(ref _free);
    public long Hwpoison => Interlocked.Read(ref _hwpoison);
    public long Offline => Interlocked.Read(ref _offline);

    /// <summary>Frames kept because their struct page could not be read (not a makedumpfile class).</summary>
    public long Unreadable => Interlocked.Read(ref _unreadable);

    public long Total => Cache + CachePrivate + User + Free + Hwpoison + Offline;

    internal void Add(PageClass c, long n)
    {
        switch (c)
        {
            case PageClass.Cache: Interlocked.Add(ref _cache, n); break;
            case PageClass.CachePrivate: Interlocked.Add(ref _cachePrivate, n); break;
            case PageClass.User: Interlocked.Add(ref _user, n); break;
            case PageClass.Free: Interlocked.Add(ref _free, n); break;
            case PageClass.Hwpoison: Interlocked.Add(ref _hwpoison, n); break;
            case PageClass.Offline: Interlocked.Add(ref _offline, n); break;
        }
    }

    internal void AddUnreadable(long n) => Interlocked.Add(ref _unreadable, n);

    public override string ToString() =>
        $"cache={Cache} cache_private={CachePrivate} user={User} free={Free} hwpoison={Hwpoison} offline={Offline} unreadable={Unreadable}";
}
