// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// Who ended a relation: "EndedBy" on expert_relations. A relation recorded with its end date was ended by whoever
/// recorded it (the two times are equal), so those rows get "RecordedBy"; one ended later, before this migration, keeps
/// null: who ended it is not known.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261203000200_RelationEndedBy")]
public sealed class RelationEndedBy : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE "expert_relations" ADD COLUMN "EndedBy" TEXT NULL;
""");
        migrationBuilder.Sql("""
UPDATE "expert_relations" SET "EndedBy" = "RecordedBy" WHERE "EndedAt" = "RecordedAt";
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE "expert_relations" DROP COLUMN "EndedBy";
""");
    }
}
