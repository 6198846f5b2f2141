namespace ExpertPool.Tests.Fixtures;

/// <summary>A settable clock for tests (TimeProvider.Testing is not available here).</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public TestClock() : this(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Moves the clock on by this much after every read (zero: it stands still), so a test can tell readings apart.</summary>
    public TimeSpan TickPerRead { get; set; }

    public override DateTimeOffset GetUtcNow()
    {
        var now = _now;
        _now += TickPerRead;
        return now;
    }

    public void Advance(TimeSpan by) => _now += by;

    public void Set(DateTimeOffset to) => _now = to;
}
