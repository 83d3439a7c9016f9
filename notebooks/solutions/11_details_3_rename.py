# Solution of "Your turn" in notebook 11, step 3: a rename both ways, so the values stay.
from tutorial import rewrite

details_file = project.newest_revision_file()
rewrite.function(details_file, '''
def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('bills') as batch_op:
        batch_op.alter_column('description', new_column_name='details')
''')
rewrite.function(details_file, '''
def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('bills') as batch_op:
        batch_op.alter_column('details', new_column_name='description')
''')
