c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "convzoo"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
