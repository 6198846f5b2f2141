namespace ExpertPool.Domain.Draws;

public enum EntropyFallback
{
    /// <summary>No external entropy by draw time: the draw waits (and the administrator is told).</summary>
    None = 0,

    /// <summary>Use 32 bytes from the server's CSPRNG, recorded as source <see cref="DrawOptions.FallbackSource"/>.</summary>
    ServerRandom = 1,
}

public sealed class DrawOptions
{
    public const string Section = "Draws";
    public const string FallbackSource = "fallback:server-csprng";

    /// <summary>What to do when nobody entered external entropy by draw time. Default: wait.</summary>
    public EntropyFallback EntropyFallback { get; set; } = EntropyFallback.None;

    /// <summary>External entropy is accepted from this long before the scheduled draw time (so it did not exist at commitment time).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan EntropyWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long before the review starts a draw may be made at the earliest. Draws happen close to the review (rules say
    /// no earlier than 2 working days, or 48–72 hours, before it), so the panel is not known long in advance. Default 72 h.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan MaxLeadTime { get; set; } = TimeSpan.FromHours(72);
}
