// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// An insert may not replace a kept row. SQLite's <c>INSERT OR REPLACE</c> (and <c>REPLACE</c>) deletes the row that
/// holds the same primary or unique key, and fires no delete trigger for it unless <c>recursive_triggers</c> is on, so
/// the append-only triggers let it rewrite a draw record, its selections or its entropy. Each kept table now refuses
/// an insert whose primary key or unique key is already there, on every connection (the sqlite3 shell included). A
/// plain duplicate insert, which failed on the constraint before, now fails here first, with the same effect.
/// PostgreSQL needs nothing: it has no REPLACE, and <c>ON CONFLICT DO UPDATE</c> and <c>MERGE</c> fire its update triggers.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261202000600_NoReplaceOfKeptRows")]
public sealed class NoReplaceOfKeptRows : Migration
{
    /// <summary>Every append-only table with its primary key and unique keys (each key a list of columns).</summary>
    internal static readonly (string Table, string[][] Keys)[] Kept =
    [
        ("draw_records", [["Id"], ["PanelRequestId"]]),
        ("draw_selections", [["Id"], ["DrawRecordId", "QuotaKey", "Role", "Rank"]]),
        ("draw_entropy", [["Id"]]),
        ("draw_withdrawals", [["Id"], ["DrawRecordId"]]),
        ("panel_requests", [["Id"], ["SupersedesRequestId"]]),
        ("panel_quotas", [["PanelRequestId", "Position"]]),
        ("manual_exclusions", [["Id"], ["PanelRequestId", "ExpertId"]]),
        ("conflict_rule_sets", [["Id"], ["Scope", "Version"]]),
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        foreach (var (table, keys) in Kept)
        {
            // A NULL key column matches nothing, as in the unique index itself.
            var taken = string.Join("\n  OR ", keys.Select(key =>
                $"""EXISTS (SELECT 1 FROM "{table}" WHERE {string.Join(" AND ", key.Select(c => $"\"{c}\" = NEW.\"{c}\""))})"""));
            migrationBuilder.Sql($"""
CREATE TRIGGER "{table}_no_replace" BEFORE INSERT ON "{table}"
WHEN {taken}
BEGIN
    SELECT RAISE(ABORT, '{table} is append-only: an insert may not replace a kept row');
END;
""");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var (table, _) in Kept)
            migrationBuilder.Sql($"""DROP TRIGGER "{table}_no_replace";""");
    }
}
