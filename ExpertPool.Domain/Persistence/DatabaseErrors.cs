using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ExpertPool.Domain.Persistence;

/// <summary>What kind of refusal a failed save met, as far as the caller can explain it to the user.</summary>
public enum DatabaseClash
{
    /// <summary>A unique key or index: the same value was saved by someone else (or already exists).</summary>
    Duplicate,

    /// <summary>A foreign key: a row this one refers to was removed, or a row that refers to this one was added.</summary>
    MissingReference,

    /// <summary>Another integrity rule of the schema (a check, or a trigger that keeps a table append-only).</summary>
    Constraint,

    /// <summary>
    /// Another transaction held or changed the same rows first: busy, deadlock, serialization failure, or a concurrency
    /// token that no longer matches (<see cref="Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException"/>).
    /// </summary>
    Contention,
}

/// <summary>
/// Reads the provider's error codes behind a failed save (decision 033). Only these refusals are answered as a conflict
/// with a reason; anything else (a full disk, a read-only database, a lost connection, a schema that does not match) is
/// not the user's doing and stays a server error, logged. Provider-specific by nature, so it lives in Persistence: a
/// provider added later adds its codes here.
/// </summary>
public static class DatabaseErrors
{
    // SQLite primary result codes (https://sqlite.org/rescode.html).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintForeignKey = 787;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    /// <summary>True when <paramref name="exception"/> or one of its inner exceptions is a refusal of <see cref="Classify"/>.</summary>
    public static bool IsClash(Exception exception) => Classify(exception) is not null;

    /// <summary>The refusal behind <paramref name="exception"/> (searched through its inner exceptions), or null when it is not one.</summary>
    public static DatabaseClash? Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException:
                    return DatabaseClash.Contention;
                case SqliteException s:
                    return s.SqliteErrorCode switch
                    {
                        SqliteConstraint => s.SqliteExtendedErrorCode switch
                        {
                            SqliteConstraintUnique or SqliteConstraintPrimaryKey => DatabaseClash.Duplicate,
                            SqliteConstraintForeignKey => DatabaseClash.MissingReference,
                            _ => DatabaseClash.Constraint,
                        },
                        SqliteBusy or SqliteLocked => DatabaseClash.Contention,
                        _ => null,
                    };
                case DbException { SqlState: { Length: 5 } state }:
                    // SQLSTATE (PostgreSQL appendix A): class 23 is integrity constraint violation; 40001 serialization
                    // failure, 40P01 deadlock, 55P03 lock not available.
                    return state switch
                    {
                        "23505" => DatabaseClash.Duplicate,
                        "23503" => DatabaseClash.MissingReference,
                        _ when state.StartsWith("23", StringComparison.Ordinal) => DatabaseClash.Constraint,
                        "40001" or "40P01" or "55P03" => DatabaseClash.Contention,
                        _ => null,
                    };
            }
        }
        return null;
    }
}
