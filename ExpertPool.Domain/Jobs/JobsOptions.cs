using System.ComponentModel.DataAnnotations;
using ExpertPool.Domain.Persistence;

namespace ExpertPool.Domain.Jobs;

/// <summary>Section <c>Jobs</c>: where and how often the background jobs run.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// Run the jobs inside the Api process. Unset: yes on SQLite (the embedded default, one process does everything),
    /// no on PostgreSQL (run ExpertPool.Worker, as many as you like: the Quartz store is clustered).
    /// On SQLite, set it to false when a Worker runs against the same file: SQLite schedulers are not clustered.
    /// </summary>
    public bool? RunInApi { get; set; }

    /// <summary>How often the outbox is checked for due notices.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SendNoticesInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often due scheduled draws are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DrawsInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often unanswered invitations are expired (the next backup invited) and reminders queued.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan InvitationsInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool RunsInApi(DatabaseProvider provider) => RunInApi ?? provider == DatabaseProvider.Sqlite;
}
