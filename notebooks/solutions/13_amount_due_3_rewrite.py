# Solution of "Your turn" in notebook 13, step 3: add the column allowing NULL, fill it, then make it NOT NULL.
from tutorial import rewrite

rewrite.function(project.newest_revision_file(), '''
def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount_due', sa.Float(), nullable=True))

    bills = sa.table('bills', sa.column('total', sa.Float), sa.column('paid', sa.Float), sa.column('amount_due', sa.Float))
    op.execute(bills.update().values(amount_due=bills.c.total - bills.c.paid))

    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.alter_column('amount_due', existing_type=sa.Float(), nullable=False)
''')
