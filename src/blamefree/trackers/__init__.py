"""Issue trackers: Jira and GitHub clients that file action items and read their state back."""
